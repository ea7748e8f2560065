-- The audit log is append-only (schema version 6). The store never updates or deletes an entry;
-- this makes PostgreSQL refuse it to anyone else who can write the table too, row by row for
-- UPDATE and DELETE, and per statement for TRUNCATE (which fires no row triggers). The hash chain
-- still detects tampering by whoever disables the triggers (the table's owner can).
-- H2 triggers must be Java classes, so H2 relies on the hash chain alone.
CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only: % on audit_log is not allowed', TG_OP
        USING ERRCODE = 'restrict_violation',
              HINT = 'Entries can only be added; record a correction as a new entry.';
END;
$$;

CREATE TRIGGER audit_log_append_only_row
    BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();

CREATE TRIGGER audit_log_append_only_truncate
    BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();
