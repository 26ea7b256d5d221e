-- The audit trail of admin, publisher and developer changes, written by the database in the same
-- transaction as the change: a row trigger on each audited table appends one audit_log entry per
-- row inserted, updated or deleted (cascades included) with the row before and after.
--
-- Who made the change comes from the transaction-local setting `apim.audit` (a JSON object:
-- actorId, actorName, action, method, path, ip), which the control plane sets at the start of a
-- REST change's transaction (apps/control-plane/src/audit/). Writes without it (background jobs,
-- sign-in counters, the key manager's own bookkeeping) are not audited.
--
-- Trigger arguments: the first names the key column(s), '+'-joined; the rest name columns whose
-- values must never be copied into the log (hashes, sealed secrets, uploaded file bodies): their
-- value is replaced by "[hidden]" so a change to them still shows, but not what they hold.

-- CreateFunction
CREATE FUNCTION "apim_audit_row_change"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  ctx jsonb := nullif(current_setting('apim.audit', true), '')::jsonb;
  old_row jsonb;
  new_row jsonb;
  key_columns text[] := string_to_array(TG_ARGV[0], '+');
  hidden text;
  entity_id text;
BEGIN
  IF ctx IS NULL THEN
    RETURN NULL;
  END IF;
  IF TG_OP <> 'INSERT' THEN old_row := to_jsonb(OLD); END IF;
  IF TG_OP <> 'DELETE' THEN new_row := to_jsonb(NEW); END IF;
  IF TG_OP = 'UPDATE' AND old_row = new_row THEN
    RETURN NULL;
  END IF;
  SELECT string_agg(coalesce(new_row, old_row) ->> k, ':') INTO entity_id FROM unnest(key_columns) AS k;
  FOREACH hidden IN ARRAY TG_ARGV[1:] LOOP
    IF old_row ->> hidden IS NOT NULL THEN old_row := jsonb_set(old_row, ARRAY[hidden], '"[hidden]"'); END IF;
    IF new_row ->> hidden IS NOT NULL THEN new_row := jsonb_set(new_row, ARRAY[hidden], '"[hidden]"'); END IF;
  END LOOP;
  INSERT INTO "audit_log" ("actor_id", "actor_name", "action", "entity_type", "entity_id", "details", "source_ip")
  VALUES (
    (ctx ->> 'actorId')::uuid,
    ctx ->> 'actorName',
    coalesce(ctx ->> 'action', lower(TG_OP)),
    TG_TABLE_NAME,
    entity_id,
    jsonb_build_object(
      'operation', TG_OP,
      'method', ctx ->> 'method',
      'path', ctx ->> 'path',
      'before', old_row,
      'after', new_row
    ),
    ctx ->> 'ip'
  );
  RETURN NULL;
END $$;

-- CreateTrigger
CREATE TRIGGER "user_account_audit" AFTER INSERT OR UPDATE OR DELETE ON "user_account"
    FOR EACH ROW EXECUTE FUNCTION "apim_audit_row_change"('id', 'password_hash');
CREATE TRIGGER "role_audit" AFTER INSERT OR UPDATE OR DELETE ON "role"
    FOR EACH ROW EXECUTE FUNCTION "apim_audit_row_change"('name');
CREATE TRIGGER "user_role_audit" AFTER INSERT OR UPDATE OR DELETE ON "user_role"
    FOR EACH ROW EXECUTE FUNCTION "apim_audit_row_change"('user_id+role_name');
CREATE TRIGGER "scope_audit" AFTER INSERT OR UPDATE OR DELETE ON "scope"
    FOR EACH ROW EXECUTE FUNCTION "apim_audit_row_change"('id');
CREATE TRIGGER "api_audit" AFTER INSERT OR UPDATE OR DELETE ON "api"
    FOR EACH ROW EXECUTE FUNCTION "apim_audit_row_change"('id');
CREATE TRIGGER "api_operation_audit" AFTER INSERT OR UPDATE OR DELETE ON "api_operation"
    FOR EACH ROW EXECUTE FUNCTION "apim_audit_row_change"('id');
CREATE TRIGGER "api_revision_audit" AFTER INSERT OR UPDATE OR DELETE ON "api_revision"
    FOR EACH ROW EXECUTE FUNCTION "apim_audit_row_change"('id');
CREATE TRIGGER "api_document_audit" AFTER INSERT OR UPDATE OR DELETE ON "api_document"
    FOR EACH ROW EXECUTE FUNCTION "apim_audit_row_change"('id', 'content');
CREATE TRIGGER "api_client_certificate_audit" AFTER INSERT OR UPDATE OR DELETE ON "api_client_certificate"
    FOR EACH ROW EXECUTE FUNCTION "apim_audit_row_change"('id');
CREATE TRIGGER "gateway_environment_audit" AFTER INSERT OR UPDATE OR DELETE ON "gateway_environment"
    FOR EACH ROW EXECUTE FUNCTION "apim_audit_row_change"('id');
CREATE TRIGGER "revision_deployment_audit" AFTER INSERT OR UPDATE OR DELETE ON "revision_deployment"
    FOR EACH ROW EXECUTE FUNCTION "apim_audit_row_change"('id');
CREATE TRIGGER "application_audit" AFTER INSERT OR UPDATE OR DELETE ON "application"
    FOR EACH ROW EXECUTE FUNCTION "apim_audit_row_change"('id');
CREATE TRIGGER "application_key_audit" AFTER INSERT OR UPDATE OR DELETE ON "application_key"
    FOR EACH ROW EXECUTE FUNCTION "apim_audit_row_change"('id', 'registration_access_token');
CREATE TRIGGER "api_key_audit" AFTER INSERT OR UPDATE OR DELETE ON "api_key"
    FOR EACH ROW EXECUTE FUNCTION "apim_audit_row_change"('id');
CREATE TRIGGER "subscription_audit" AFTER INSERT OR UPDATE OR DELETE ON "subscription"
    FOR EACH ROW EXECUTE FUNCTION "apim_audit_row_change"('id');
CREATE TRIGGER "throttling_policy_audit" AFTER INSERT OR UPDATE OR DELETE ON "throttling_policy"
    FOR EACH ROW EXECUTE FUNCTION "apim_audit_row_change"('id');
CREATE TRIGGER "conditional_group_audit" AFTER INSERT OR UPDATE OR DELETE ON "conditional_group"
    FOR EACH ROW EXECUTE FUNCTION "apim_audit_row_change"('id');
CREATE TRIGGER "deny_policy_audit" AFTER INSERT OR UPDATE OR DELETE ON "deny_policy"
    FOR EACH ROW EXECUTE FUNCTION "apim_audit_row_change"('id');
CREATE TRIGGER "trusted_issuer_audit" AFTER INSERT OR UPDATE OR DELETE ON "trusted_issuer"
    FOR EACH ROW EXECUTE FUNCTION "apim_audit_row_change"('id', 'introspection_client_secret');
CREATE TRIGGER "workflow_audit" AFTER INSERT OR UPDATE OR DELETE ON "workflow"
    FOR EACH ROW EXECUTE FUNCTION "apim_audit_row_change"('id');
CREATE TRIGGER "system_setting_audit" AFTER INSERT OR UPDATE OR DELETE ON "system_setting"
    FOR EACH ROW EXECUTE FUNCTION "apim_audit_row_change"('key');
CREATE TRIGGER "external_authorizer_audit" AFTER INSERT OR UPDATE OR DELETE ON "external_authorizer"
    FOR EACH ROW EXECUTE FUNCTION "apim_audit_row_change"('id');

-- CreateIndex
CREATE INDEX "audit_log_actor_name_at_idx" ON "audit_log"("actor_name", "at");
