import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { MantineProvider } from '@mantine/core';
import { App } from './App';
import { ApiError, setApiConfig } from './shared/api';
import { loadConsoleConfig } from './shared/config';
import { ErrorBox, Page } from './shared/ui';
import { ConfigContext } from './shared/config-context';
import { NotificationsProvider } from './shared/notify';
import { theme } from './shared/theme';
// Mantine's styles first: the console's own (styles.css) come after and refine them.
import './shared/mantine-styles';
import './shared/styles.css';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 10_000,
      // A 4xx will not change by asking again; a network error or a 5xx might.
      retry: (count, error) =>
        count < 2 && !(error instanceof ApiError && error.status >= 400 && error.status < 500),
    },
  },
});

const element = document.getElementById('root');
if (!element) throw new Error('The page has no #root element');
const root = createRoot(element);

try {
  const config = await loadConsoleConfig();
  setApiConfig(config);
  root.render(
    <StrictMode>
      <MantineProvider theme={theme} forceColorScheme="light">
        <ConfigContext.Provider value={config}>
          <QueryClientProvider client={queryClient}>
            <BrowserRouter>
              <NotificationsProvider>
                <App />
              </NotificationsProvider>
            </BrowserRouter>
          </QueryClientProvider>
        </ConfigContext.Provider>
      </MantineProvider>
    </StrictMode>,
  );
} catch (error) {
  // Without its configuration the console cannot sign anyone in: say why, plainly.
  root.render(
    <MantineProvider theme={theme} forceColorScheme="light">
      <main id="main">
        <Page title="The console cannot start">
          <ErrorBox error={error} />
        </Page>
      </main>
    </MantineProvider>,
  );
}
