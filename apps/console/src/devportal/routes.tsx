/** The developer portal: the API catalog, one API (docs, try-it, snippets, subscribe) and applications. */
import { Suspense } from 'react';
import { NavLink, Navigate, Route, Routes } from 'react-router';
import { Scopes } from '@apim/contracts';
import { lazyPage } from '../shared/lazy-page';
import { RequireScope } from '../shared/session-pages';
import { Loading } from '../shared/ui';
import { CatalogPage } from './CatalogPage';

// The catalogue is the first page most visitors see: it comes with this module; the other pages
// (forms, their schemas, editors) load when opened, keeping the first page small (bundle-sizes.ts).
const ApplicationPage = lazyPage(() => import('./ApplicationPage'), 'ApplicationPage');
const ApplicationsPage = lazyPage(() => import('./ApplicationsPage'), 'ApplicationsPage');
const AsyncApiPage = lazyPage(() => import('./AsyncApiPage'), 'AsyncApiPage');
const GraphqlApiPage = lazyPage(() => import('./GraphqlApiPage'), 'GraphqlApiPage');
const DevApiPage = lazyPage(() => import('./DevApiPage'), 'DevApiPage');
const SignUpPage = lazyPage(() => import('./SignUpPage'), 'SignUpPage');

const APP_SCOPES = [Scopes.subscribe, Scopes.appManage];

export default function DevportalRoutes() {
  return (
    <div className="layout">
      <nav className="side-nav" aria-label="Developer portal">
        <h2>Developer portal</h2>
        <NavLink to="/devportal/apis">APIs</NavLink>
        <NavLink to="/devportal/applications">Applications</NavLink>
      </nav>
      <Suspense fallback={<Loading />}>
        <Routes>
          <Route index element={<Navigate to="apis" replace />} />
          <Route path="apis" element={<CatalogPage />} />
          <Route path="apis/:apiId/asyncapi" element={<AsyncApiPage />} />
          <Route path="apis/:apiId/graphql" element={<GraphqlApiPage />} />
          <Route path="apis/:apiId/*" element={<DevApiPage />} />
          <Route path="sign-up" element={<SignUpPage />} />
          <Route
            path="applications"
            element={
              <RequireScope anyOf={APP_SCOPES}>
                <ApplicationsPage />
              </RequireScope>
            }
          />
          <Route
            path="applications/:applicationId/*"
            element={
              <RequireScope anyOf={APP_SCOPES}>
                <ApplicationPage />
              </RequireScope>
            }
          />
        </Routes>
      </Suspense>
    </div>
  );
}
