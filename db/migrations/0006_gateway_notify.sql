-- The gateway decides from an in-process snapshot of each organisation (lib/gateway). Every change
-- to what a decision reads notifies the channel gatehouse_changes from inside the changing
-- transaction: PostgreSQL delivers it to every listening instance at commit, and never on
-- rollback. The payload is the organisation's id (identical payloads within a transaction are
-- delivered once), or 'tokens' for gateway tokens. Statement triggers keep bulk changes (a bulk
-- assign of thousands of memberships) to one notification per statement and organisation.

CREATE FUNCTION gatehouse_notify_new_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('gatehouse_changes', o.org_id::text) FROM (SELECT DISTINCT org_id FROM new_rows) o;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION gatehouse_notify_old_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('gatehouse_changes', o.org_id::text) FROM (SELECT DISTINCT org_id FROM old_rows) o;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER groups_notify_insert AFTER INSERT ON groups REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION gatehouse_notify_new_rows();
--> statement-breakpoint
CREATE TRIGGER groups_notify_update AFTER UPDATE ON groups REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION gatehouse_notify_new_rows();
--> statement-breakpoint
CREATE TRIGGER groups_notify_delete AFTER DELETE ON groups REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION gatehouse_notify_old_rows();
--> statement-breakpoint
CREATE TRIGGER group_members_notify_insert AFTER INSERT ON group_members REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION gatehouse_notify_new_rows();
--> statement-breakpoint
CREATE TRIGGER group_members_notify_update AFTER UPDATE ON group_members REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION gatehouse_notify_new_rows();
--> statement-breakpoint
CREATE TRIGGER group_members_notify_delete AFTER DELETE ON group_members REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION gatehouse_notify_old_rows();
--> statement-breakpoint
CREATE TRIGGER org_members_notify_insert AFTER INSERT ON org_members REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION gatehouse_notify_new_rows();
--> statement-breakpoint
CREATE TRIGGER org_members_notify_update AFTER UPDATE ON org_members REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION gatehouse_notify_new_rows();
--> statement-breakpoint
CREATE TRIGGER org_members_notify_delete AFTER DELETE ON org_members REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION gatehouse_notify_old_rows();
--> statement-breakpoint
CREATE TRIGGER api_key_groups_notify_insert AFTER INSERT ON api_key_groups REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION gatehouse_notify_new_rows();
--> statement-breakpoint
CREATE TRIGGER api_key_groups_notify_update AFTER UPDATE ON api_key_groups REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION gatehouse_notify_new_rows();
--> statement-breakpoint
CREATE TRIGGER api_key_groups_notify_delete AFTER DELETE ON api_key_groups REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION gatehouse_notify_old_rows();
--> statement-breakpoint
-- Keys: "last used" moves with traffic (at most once a minute per key) and changes nothing a
-- decision reads, so it notifies no one.
CREATE FUNCTION gatehouse_notify_key() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('gatehouse_changes', coalesce(NEW.org_id, OLD.org_id)::text);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER api_keys_notify AFTER INSERT OR DELETE ON api_keys FOR EACH ROW EXECUTE FUNCTION gatehouse_notify_key();
--> statement-breakpoint
CREATE TRIGGER api_keys_notify_update AFTER UPDATE ON api_keys FOR EACH ROW
  WHEN ((to_jsonb(OLD) - 'last_used_at' - 'updated_at') IS DISTINCT FROM (to_jsonb(NEW) - 'last_used_at' - 'updated_at'))
  EXECUTE FUNCTION gatehouse_notify_key();
--> statement-breakpoint
-- A person's name and email are read by every organisation they belong to.
CREATE FUNCTION gatehouse_notify_user() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('gatehouse_changes', m.org_id::text) FROM org_members m WHERE m.user_id = NEW.id;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER users_notify_update AFTER UPDATE ON users FOR EACH ROW
  WHEN (OLD.email IS DISTINCT FROM NEW.email OR OLD.name IS DISTINCT FROM NEW.name)
  EXECUTE FUNCTION gatehouse_notify_user();
--> statement-breakpoint
CREATE FUNCTION gatehouse_notify_tokens() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('gatehouse_changes', 'tokens');
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER gateway_tokens_notify AFTER INSERT OR DELETE ON gateway_tokens FOR EACH ROW EXECUTE FUNCTION gatehouse_notify_tokens();
--> statement-breakpoint
CREATE TRIGGER gateway_tokens_notify_update AFTER UPDATE ON gateway_tokens FOR EACH ROW
  WHEN ((to_jsonb(OLD) - 'last_used_at') IS DISTINCT FROM (to_jsonb(NEW) - 'last_used_at'))
  EXECUTE FUNCTION gatehouse_notify_tokens();
