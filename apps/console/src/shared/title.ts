/** The browser tab's title for each page: "<page> · <section> · APIM". */
import { useEffect } from 'react';

export const PRODUCT = 'APIM';

const SECTIONS: Record<string, string> = {
  publisher: 'Publisher',
  devportal: 'Developer portal',
  admin: 'Admin',
  analytics: 'Analytics',
};

/** e.g. pageTitle('PizzaShackAPI 1.0.0', '/publisher/apis/1/overview') -> "PizzaShackAPI 1.0.0 · Publisher · APIM". */
export function pageTitle(page: string, pathname: string): string {
  const section = SECTIONS[pathname.split('/')[1] ?? ''];
  const parts = [page];
  if (section && section !== page) parts.push(section);
  return [...parts, PRODUCT].filter(Boolean).join(' · ');
}

/** Sets document.title for the page shown (the section comes from the address). */
export function usePageTitle(page: string): void {
  useEffect(() => {
    document.title = pageTitle(page, window.location.pathname);
  }, [page]);
}
