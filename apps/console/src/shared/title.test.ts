import { describe, expect, it } from 'vitest';
import { pageTitle } from './title';

describe('pageTitle', () => {
  it('names the page, its section and the product', () => {
    expect(pageTitle('PizzaShackAPI 1.0.0', '/publisher/apis/1/overview')).toBe(
      'PizzaShackAPI 1.0.0 · Publisher · APIM',
    );
    expect(pageTitle('Applications', '/devportal/applications')).toBe(
      'Applications · Developer portal · APIM',
    );
    expect(pageTitle('Workflow approvals', '/admin/workflows')).toBe('Workflow approvals · Admin · APIM');
  });

  it('leaves out a section the address has not, and a page named like its section', () => {
    expect(pageTitle('Page not found', '/nowhere')).toBe('Page not found · APIM');
    expect(pageTitle('Analytics', '/analytics')).toBe('Analytics · APIM');
  });
});
