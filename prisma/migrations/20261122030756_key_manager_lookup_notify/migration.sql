-- Key manager: its in-memory lookups (OAuth clients, the application behind each key, user roles,
-- scopes) are dropped exactly when these tables change, whoever changes them (control plane,
-- another key manager instance, an operator's SQL): one NOTIFY per statement, naming the table,
-- delivered when the transaction commits.
CREATE FUNCTION "apim_key_manager_lookup_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('apim_key_manager_lookups', TG_TABLE_NAME);
    RETURN NULL;
END;
$$;

CREATE TRIGGER "oauth_client_lookup_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "oauth_client"
    FOR EACH STATEMENT EXECUTE FUNCTION "apim_key_manager_lookup_changed"();

CREATE TRIGGER "application_lookup_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "application"
    FOR EACH STATEMENT EXECUTE FUNCTION "apim_key_manager_lookup_changed"();

CREATE TRIGGER "application_key_lookup_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "application_key"
    FOR EACH STATEMENT EXECUTE FUNCTION "apim_key_manager_lookup_changed"();

-- Only the columns lookups read: failed-login bookkeeping and profile edits do not flush anything.
CREATE TRIGGER "user_account_lookup_changed" AFTER INSERT OR DELETE OR TRUNCATE OR UPDATE OF "username", "enabled" ON "user_account"
    FOR EACH STATEMENT EXECUTE FUNCTION "apim_key_manager_lookup_changed"();

CREATE TRIGGER "user_role_lookup_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "user_role"
    FOR EACH STATEMENT EXECUTE FUNCTION "apim_key_manager_lookup_changed"();

CREATE TRIGGER "scope_lookup_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "scope"
    FOR EACH STATEMENT EXECUTE FUNCTION "apim_key_manager_lookup_changed"();
