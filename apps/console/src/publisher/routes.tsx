/** The publisher: APIs (list, create, import, and every setting of one API) and shared scopes. */
import { NavLink, Route, Routes, Navigate } from 'react-router';
import { ApiListPage } from './ApiListPage';
import { CreateApiPage } from './CreateApiPage';
import { ImportApiPage } from './ImportApiPage';
import { ImportAsyncApiPage } from './ImportAsyncApiPage';
import { ImportGraphqlPage } from './ImportGraphqlPage';
import { ApiPage } from './ApiPage';
import { SharedScopesPage } from './SharedScopesPage';

export default function PublisherRoutes() {
  return (
    <div className="layout">
      <nav className="side-nav" aria-label="Publisher">
        <h2>Publisher</h2>
        <NavLink to="/publisher/apis" end>
          APIs
        </NavLink>
        <NavLink to="/publisher/apis/create">Create API</NavLink>
        <NavLink to="/publisher/apis/import">Import OpenAPI</NavLink>
        <NavLink to="/publisher/apis/import-asyncapi">Import AsyncAPI</NavLink>
        <NavLink to="/publisher/apis/import-graphql">Create GraphQL API</NavLink>
        <NavLink to="/publisher/scopes">Shared scopes</NavLink>
      </nav>
      <div>
        <Routes>
          <Route index element={<Navigate to="apis" replace />} />
          <Route path="apis" element={<ApiListPage />} />
          <Route path="apis/create" element={<CreateApiPage />} />
          <Route path="apis/import" element={<ImportApiPage />} />
          <Route path="apis/import-asyncapi" element={<ImportAsyncApiPage />} />
          <Route path="apis/import-graphql" element={<ImportGraphqlPage />} />
          <Route path="apis/:apiId/*" element={<ApiPage />} />
          <Route path="scopes" element={<SharedScopesPage />} />
        </Routes>
      </div>
    </div>
  );
}
