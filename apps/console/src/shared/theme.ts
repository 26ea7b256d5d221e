/** The console's Mantine theme: its own blue, its fonts, and the key manager's pages' colours. */
import { createTheme, type MantineColorsTuple } from '@mantine/core';

/** Shades around the console's accent (#1f5fbf, index 6: Mantine's filled shade). */
const brand: MantineColorsTuple = [
  '#eaf1fc',
  '#d3e0f5',
  '#a5bfea',
  '#739ce0',
  '#4b7fd6',
  '#336cd0',
  '#1f5fbf',
  '#164fa3',
  '#0f4390',
  '#02377f',
];

export const theme = createTheme({
  primaryColor: 'brand',
  primaryShade: 6,
  colors: { brand },
  fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
  fontFamilyMonospace: "ui-monospace, 'SFMono-Regular', Menlo, monospace",
  headings: { fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif" },
  defaultRadius: 'sm',
});
