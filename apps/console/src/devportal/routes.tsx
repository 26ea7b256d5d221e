/** The developer portal: the API catalog, one API (docs, try-it, snippets, subscribe) and applications. */
import { NavLink, Navigate, Route, Routes } from 'react-router';
import { Scopes } from '@apim/contracts';
import { RequireScope } from '../shared/session-pages';
import { ApplicationPage } from './ApplicationPage';
import { ApplicationsPage } from './ApplicationsPage';
import { AsyncApiPage } from './AsyncApiPage';
import { GraphqlApiPage } from './GraphqlApiPage';
import { CatalogPage } from './CatalogPage';
import { DevApiPage } from './DevApiPage';
import { SignUpPage } from './SignUpPage';

const APP_SCOPES = [Scopes.subscribe, Scopes.appManage];

export default function DevportalRoutes() {
  return (
    <div className="layout">
      <nav className="side-nav" aria-label="Developer portal">
        <h2>Developer portal</h2>
        <NavLink to="/devportal/apis">APIs</NavLink>
        <NavLink to="/devportal/applications">Applications</NavLink>
      </nav>
      <div>
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
      </div>
    </div>
  );
}
