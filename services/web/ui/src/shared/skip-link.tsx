import classes from './skip-link.module.css';

/** "Skip to main content": the first focusable thing on every page; the target is the <main> id. */
export function SkipLink({ target = 'main-content' }: { target?: string }) {
  return (
    <a className={classes.skipLink} href={`#${target}`}>
      Skip to main content
    </a>
  );
}
