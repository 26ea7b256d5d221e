/** Admin: rate-limit and deny policies, users and roles, gateway environments, key managers, workflows, audit log. */
import { NavLink, Navigate, Route, Routes } from 'react-router';
import { AuditLogPage } from './AuditLogPage';
import { DenyPoliciesPage } from './DenyPoliciesPage';
import { EnvironmentsPage } from './EnvironmentsPage';
import { KeyManagersPage } from './KeyManagersPage';
import { PoliciesPage } from './PoliciesPage';
import { SettingsPage } from './SettingsPage';
import { UsersPage } from './UsersPage';
import { WorkflowsPage } from './WorkflowsPage';

export default function AdminRoutes() {
  return (
    <div className="layout">
      <nav className="side-nav" aria-label="Admin">
        <h2>Rate limiting</h2>
        <NavLink to="/admin/policies/subscription">Subscription policies</NavLink>
        <NavLink to="/admin/policies/application">Application policies</NavLink>
        <NavLink to="/admin/policies/advanced">Advanced policies</NavLink>
        <NavLink to="/admin/deny-policies">Deny policies</NavLink>
        <h2>Settings</h2>
        <NavLink to="/admin/users">Users and roles</NavLink>
        <NavLink to="/admin/environments">Gateway environments</NavLink>
        <NavLink to="/admin/key-managers">Key managers</NavLink>
        <NavLink to="/admin/workflows">Workflow approvals</NavLink>
        <NavLink to="/admin/settings">Sign-up and approvals</NavLink>
        <NavLink to="/admin/audit-log">Audit log</NavLink>
      </nav>
      <div>
        <Routes>
          <Route index element={<Navigate to="workflows" replace />} />
          <Route path="policies/:level" element={<PoliciesPage />} />
          <Route path="deny-policies" element={<DenyPoliciesPage />} />
          <Route path="users" element={<UsersPage />} />
          <Route path="environments" element={<EnvironmentsPage />} />
          <Route path="key-managers" element={<KeyManagersPage />} />
          <Route path="workflows" element={<WorkflowsPage />} />
          <Route path="settings" element={<SettingsPage />} />
          <Route path="audit-log" element={<AuditLogPage />} />
        </Routes>
      </div>
    </div>
  );
}
