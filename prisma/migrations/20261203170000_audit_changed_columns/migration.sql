-- The audit trigger (migration audit_row_changes) records every change to an audited table, and an
-- update only in the columns it changed.
--
-- Who: the transaction-local `apim.audit` when a REST change set it (the control plane's
-- change context); otherwise the connection's `apim.audit_actor`, which each app's database client
-- sets when it connects (system:control-plane, system:key-manager, system:seed: see
-- createPrismaClient in packages/db); otherwise the database user itself (`db:<user>`, e.g. psql
-- or a data migration). Before, a change without `apim.audit` was not recorded at all.
--
-- What: INSERT stores the new row and DELETE the old one, as before; UPDATE stores, before and
-- after, only the columns whose value changed (it stored both whole rows, so every edit of an API
-- copied its OpenAPI document twice). updated_at is bookkeeping, not a change: an update that
-- changes nothing else writes no entry. Secret columns (trigger arguments after the first) are
-- still shown as "[hidden]", so a change to them shows as that column, not what it holds.
--
-- The triggers keep their arguments; only the function changes.

-- CreateOrReplaceFunction
CREATE OR REPLACE FUNCTION "apim_audit_row_change"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  ctx jsonb := nullif(current_setting('apim.audit', true), '')::jsonb;
  old_row jsonb;
  new_row jsonb;
  changed text[];
  key_columns text[] := string_to_array(TG_ARGV[0], '+');
  hidden text;
  entity_id text;
BEGIN
  IF TG_OP <> 'INSERT' THEN old_row := to_jsonb(OLD); END IF;
  IF TG_OP <> 'DELETE' THEN new_row := to_jsonb(NEW); END IF;
  SELECT string_agg(coalesce(new_row, old_row) ->> k, ':') INTO entity_id FROM unnest(key_columns) AS k;
  IF TG_OP = 'UPDATE' THEN
    SELECT array_agg(n.key) INTO changed FROM jsonb_each(new_row) AS n
      WHERE n.key <> 'updated_at' AND n.value IS DISTINCT FROM old_row -> n.key;
    IF changed IS NULL THEN
      RETURN NULL;
    END IF;
    SELECT jsonb_object_agg(o.key, o.value) INTO old_row FROM jsonb_each(old_row) AS o WHERE o.key = ANY (changed);
    SELECT jsonb_object_agg(n.key, n.value) INTO new_row FROM jsonb_each(new_row) AS n WHERE n.key = ANY (changed);
  END IF;
  FOREACH hidden IN ARRAY TG_ARGV[1:] LOOP
    IF old_row ->> hidden IS NOT NULL THEN old_row := jsonb_set(old_row, ARRAY[hidden], '"[hidden]"'); END IF;
    IF new_row ->> hidden IS NOT NULL THEN new_row := jsonb_set(new_row, ARRAY[hidden], '"[hidden]"'); END IF;
  END LOOP;
  IF ctx IS NULL THEN
    ctx := jsonb_build_object(
      'actorName', coalesce(nullif(current_setting('apim.audit_actor', true), ''), 'db:' || session_user)
    );
  END IF;
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
