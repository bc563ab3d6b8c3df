import { Box, Table, type TableProps } from '@mantine/core';

/**
 * A table that scrolls sideways on narrow screens. The scrolling box is a labelled, focusable
 * region so keyboard users can scroll it too (axe-core: scrollable-region-focusable).
 */
export function ScrollTable({
  label,
  minWidth,
  maxHeight,
  ...table
}: TableProps & { label: string; minWidth: number; maxHeight?: number }) {
  return (
    <Box role="region" aria-label={label} tabIndex={0} style={{ overflow: 'auto', maxHeight }}>
      <Table miw={minWidth} {...table} />
    </Box>
  );
}
