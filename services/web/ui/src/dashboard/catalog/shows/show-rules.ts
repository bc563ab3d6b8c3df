/** The slug rule of the media API (routes/schemas.ts): what the form checks before sending. */
export const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

export function slugProblem(slug: string): string | null {
  if (!slug) return 'Choose a slug: it is part of the feed address';
  if (slug.length > 64) return 'At most 64 characters';
  if (/[A-Z]/.test(slug)) return 'Use lower-case letters only';
  if (!SLUG_PATTERN.test(slug)) return 'Use a–z, 0–9 and hyphens; start and end with a letter or digit';
  return null;
}

/** A slug proposed from a title ("My Show!" → "my-show"). */
export function slugFromTitle(title: string): string {
  return title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64)
    .replace(/-+$/, '');
}

export const LANGUAGE_PATTERN = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;
export const HTTP_URL = /^https?:\/\/\S+$/;
export const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Apple Podcasts' top-level categories (`<itunes:category text>`). */
export const ITUNES_CATEGORIES = [
  'Arts',
  'Business',
  'Comedy',
  'Education',
  'Fiction',
  'Government',
  'Health & Fitness',
  'History',
  'Kids & Family',
  'Leisure',
  'Music',
  'News',
  'Religion & Spirituality',
  'Science',
  'Society & Culture',
  'Sports',
  'Technology',
  'True Crime',
  'TV & Film',
];
