/*
 * Versioned schema migrations, applied in order at start.  A migration is
 * never edited once released: a change to the schema is a new entry.
 */
#include "platform/store/store_int.h"

#include <stdio.h>

#include "core/timeutil.h"

struct migration {
        int version;
        const char *summary;
        const char *sql;
};

static const struct migration migrations[] = {
    {1, "bureaus, enterprises with trigram name search, users, sessions, tokens, audit trail",
     "CREATE TABLE bureaus ("
     "  code TEXT PRIMARY KEY,"
     "  name_zh TEXT NOT NULL,"
     "  name_en TEXT NOT NULL,"
     "  kind TEXT NOT NULL);"
     "CREATE TABLE enterprises ("
     "  id INTEGER PRIMARY KEY,"
     "  uscc TEXT NOT NULL UNIQUE,"
     "  name_zh TEXT NOT NULL,"
     "  name_en TEXT NOT NULL DEFAULT '',"
     "  roles INTEGER NOT NULL,"
     "  address TEXT NOT NULL DEFAULT '',"
     "  legal_representative TEXT NOT NULL DEFAULT '',"
     "  contact_name TEXT NOT NULL DEFAULT '',"
     "  contact_phone TEXT NOT NULL DEFAULT '',"
     "  contact_email TEXT NOT NULL DEFAULT '',"
     "  division_code TEXT NOT NULL,"
     "  bureau_code TEXT NOT NULL REFERENCES bureaus(code),"
     "  derived_bureau_code TEXT NOT NULL REFERENCES bureaus(code),"
     "  bureau_override_reason TEXT NOT NULL DEFAULT '',"
     "  created_at TEXT NOT NULL,"
     "  updated_at TEXT NOT NULL,"
     "  version INTEGER NOT NULL);"
     "CREATE INDEX enterprises_bureau ON enterprises(bureau_code, id);"
     /* Trigram tokens make substring search work for Chinese, which has no spaces. */
     "CREATE VIRTUAL TABLE enterprises_fts USING fts5("
     "  name_zh, name_en, content='enterprises', content_rowid='id', tokenize='trigram');"
     "CREATE TRIGGER enterprises_fts_insert AFTER INSERT ON enterprises BEGIN"
     "  INSERT INTO enterprises_fts(rowid, name_zh, name_en)"
     "    VALUES (new.id, new.name_zh, new.name_en);"
     "END;"
     "CREATE TRIGGER enterprises_fts_delete AFTER DELETE ON enterprises BEGIN"
     "  INSERT INTO enterprises_fts(enterprises_fts, rowid, name_zh, name_en)"
     "    VALUES ('delete', old.id, old.name_zh, old.name_en);"
     "END;"
     "CREATE TRIGGER enterprises_fts_update AFTER UPDATE OF name_zh, name_en ON enterprises BEGIN"
     "  INSERT INTO enterprises_fts(enterprises_fts, rowid, name_zh, name_en)"
     "    VALUES ('delete', old.id, old.name_zh, old.name_en);"
     "  INSERT INTO enterprises_fts(rowid, name_zh, name_en)"
     "    VALUES (new.id, new.name_zh, new.name_en);"
     "END;"
     "CREATE TABLE users ("
     "  id INTEGER PRIMARY KEY,"
     "  username TEXT NOT NULL UNIQUE,"
     "  display_name TEXT NOT NULL,"
     "  role TEXT NOT NULL,"
     "  bureau_code TEXT REFERENCES bureaus(code),"
     "  enterprise_uscc TEXT REFERENCES enterprises(uscc),"
     "  disabled INTEGER NOT NULL DEFAULT 0,"
     "  password_hash TEXT NOT NULL,"
     "  created_at TEXT NOT NULL);"
     "CREATE INDEX users_bureau ON users(bureau_code, id);"
     "CREATE TABLE sessions ("
     "  token_hash TEXT PRIMARY KEY,"
     "  user_id INTEGER NOT NULL REFERENCES users(id),"
     "  csrf TEXT NOT NULL,"
     "  created_at TEXT NOT NULL,"
     "  expires_at TEXT NOT NULL,"
     "  ip TEXT NOT NULL);"
     "CREATE INDEX sessions_user ON sessions(user_id);"
     "CREATE TABLE api_tokens ("
     "  id INTEGER PRIMARY KEY,"
     "  user_id INTEGER NOT NULL REFERENCES users(id),"
     "  name TEXT NOT NULL,"
     "  token_hash TEXT NOT NULL UNIQUE,"
     "  created_at TEXT NOT NULL);"
     "CREATE INDEX api_tokens_user ON api_tokens(user_id);"
     "CREATE TABLE audit_log ("
     "  id INTEGER PRIMARY KEY,"
     "  at TEXT NOT NULL,"
     "  actor TEXT NOT NULL,"
     "  actor_user_id INTEGER,"
     "  ip TEXT NOT NULL,"
     "  action TEXT NOT NULL,"
     "  entity_type TEXT NOT NULL,"
     "  entity_id TEXT NOT NULL,"
     "  bureau_code TEXT,"
     "  before TEXT,"
     "  after TEXT);"
     "CREATE INDEX audit_entity ON audit_log(entity_type, entity_id, id);"
     "CREATE INDEX audit_bureau ON audit_log(bureau_code, id);"
     /* The trail is append-only in the database itself, not just by convention. */
     "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN"
     "  SELECT RAISE(ABORT, 'audit_log is append-only');"
     "END;"
     "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN"
     "  SELECT RAISE(ABORT, 'audit_log is append-only');"
     "END;"},
    {2, "legal calendar, products, applications, documents, certificates, signing keys",
     /* A year's calendar is kept as the file it was loaded from: the file is the data. */
     "CREATE TABLE calendar_years ("
     "  year INTEGER PRIMARY KEY,"
     "  source TEXT NOT NULL,"
     "  file TEXT NOT NULL,"
     "  sm3 TEXT NOT NULL,"
     "  days INTEGER NOT NULL,"
     "  loaded_at TEXT NOT NULL,"
     "  loaded_by TEXT NOT NULL);"
     "CREATE TABLE counters ("
     "  name TEXT PRIMARY KEY,"
     "  value INTEGER NOT NULL);"
     "CREATE TABLE products ("
     "  id INTEGER PRIMARY KEY,"
     "  enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),"
     "  name TEXT NOT NULL,"
     "  model TEXT NOT NULL,"
     "  category TEXT NOT NULL,"
     "  algorithms TEXT NOT NULL,"
     "  description TEXT NOT NULL DEFAULT '',"
     "  created_at TEXT NOT NULL,"
     "  updated_at TEXT NOT NULL,"
     "  version INTEGER NOT NULL,"
     "  UNIQUE (enterprise_id, model));"
     "CREATE TABLE applications ("
     "  id INTEGER PRIMARY KEY,"
     "  number TEXT NOT NULL UNIQUE,"
     "  item TEXT NOT NULL,"
     "  state TEXT NOT NULL,"
     "  enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),"
     "  bureau_code TEXT NOT NULL REFERENCES bureaus(code),"
     "  product_id INTEGER REFERENCES products(id),"
     "  renewal_of TEXT NOT NULL DEFAULT '',"
     "  form TEXT NOT NULL,"
     "  received_on TEXT NOT NULL,"
     "  accepted_on TEXT NOT NULL DEFAULT '',"
     "  deemed_accepted INTEGER NOT NULL DEFAULT 0,"
     "  decided_on TEXT NOT NULL DEFAULT '',"
     "  outcome TEXT NOT NULL DEFAULT '',"
     "  decision_reason TEXT NOT NULL DEFAULT '',"
     "  extension_approver TEXT NOT NULL DEFAULT '',"
     "  extension_reason TEXT NOT NULL DEFAULT '',"
     "  certificate_number TEXT NOT NULL DEFAULT '',"
     "  halted_on TEXT NOT NULL DEFAULT '',"
     "  stops TEXT NOT NULL DEFAULT '[]',"
     "  due_act TEXT NOT NULL DEFAULT '',"
     "  due_on TEXT NOT NULL DEFAULT '',"
     "  due_error TEXT NOT NULL DEFAULT '',"
     "  created_at TEXT NOT NULL,"
     "  updated_at TEXT NOT NULL,"
     "  version INTEGER NOT NULL);"
     "CREATE INDEX applications_bureau ON applications(bureau_code, id);"
     "CREATE INDEX applications_enterprise ON applications(enterprise_id, id);"
     "CREATE INDEX applications_due ON applications(due_on) WHERE due_on <> '';"
     "CREATE TABLE application_events ("
     "  id INTEGER PRIMARY KEY,"
     "  application_id INTEGER NOT NULL REFERENCES applications(id),"
     "  at TEXT NOT NULL,"
     "  actor TEXT NOT NULL,"
     "  action TEXT NOT NULL,"
     "  from_state TEXT NOT NULL,"
     "  to_state TEXT NOT NULL,"
     "  reason TEXT NOT NULL);"
     "CREATE INDEX application_events_app ON application_events(application_id, id);"
     "CREATE TABLE documents ("
     "  id INTEGER PRIMARY KEY,"
     "  application_id INTEGER NOT NULL REFERENCES applications(id),"
     "  name TEXT NOT NULL,"
     "  size INTEGER NOT NULL,"
     "  sm3 TEXT NOT NULL,"
     "  content BLOB NOT NULL,"
     "  uploaded_at TEXT NOT NULL,"
     "  uploaded_by TEXT NOT NULL);"
     "CREATE INDEX documents_app ON documents(application_id, id);"
     "CREATE TABLE certificates ("
     "  id INTEGER PRIMARY KEY,"
     "  number TEXT NOT NULL UNIQUE,"
     "  kind TEXT NOT NULL,"
     "  legacy INTEGER NOT NULL,"
     "  holder_id INTEGER NOT NULL REFERENCES enterprises(id),"
     "  holder_uscc TEXT NOT NULL,"
     "  holder_name TEXT NOT NULL,"
     "  bureau_code TEXT NOT NULL REFERENCES bureaus(code),"
     "  product_name TEXT NOT NULL,"
     "  product_model TEXT NOT NULL,"
     "  product_category TEXT NOT NULL,"
     "  algorithms TEXT NOT NULL,"
     "  issued_on TEXT NOT NULL,"
     "  expires_on TEXT NOT NULL,"
     "  application_number TEXT NOT NULL DEFAULT '',"
     "  key_id TEXT NOT NULL DEFAULT '',"
     "  document BLOB,"
     "  signature BLOB,"
     "  created_at TEXT NOT NULL);"
     "CREATE INDEX certificates_holder ON certificates(holder_uscc);"
     "CREATE INDEX certificates_model ON certificates(product_model);"
     "CREATE INDEX certificates_bureau ON certificates(bureau_code, id);"
     "CREATE INDEX certificates_holder_id ON certificates(holder_id, id);"
     "CREATE VIRTUAL TABLE certificates_fts USING fts5("
     "  holder_name, content='certificates', content_rowid='id', tokenize='trigram');"
     "CREATE TRIGGER certificates_fts_insert AFTER INSERT ON certificates BEGIN"
     "  INSERT INTO certificates_fts(rowid, holder_name) VALUES (new.id, new.holder_name);"
     "END;"
     /* A certificate is never rewritten; its status history is the events table. */
     "CREATE TRIGGER certificates_no_update BEFORE UPDATE ON certificates BEGIN"
     "  SELECT RAISE(ABORT, 'certificates are immutable; record a status event');"
     "END;"
     "CREATE TRIGGER certificates_no_delete BEFORE DELETE ON certificates BEGIN"
     "  SELECT RAISE(ABORT, 'certificates are immutable');"
     "END;"
     "CREATE TABLE certificate_events ("
     "  id INTEGER PRIMARY KEY,"
     "  certificate_id INTEGER NOT NULL REFERENCES certificates(id),"
     "  effective_on TEXT NOT NULL,"
     "  status TEXT NOT NULL,"
     "  reason TEXT NOT NULL,"
     "  at TEXT NOT NULL,"
     "  actor TEXT NOT NULL);"
     "CREATE INDEX certificate_events_cert ON certificate_events(certificate_id, id);"
     "CREATE TABLE signing_keys ("
     "  key_id TEXT PRIMARY KEY,"
     "  bureau_code TEXT NOT NULL REFERENCES bureaus(code),"
     "  algorithm TEXT NOT NULL,"
     "  public_key_pem TEXT NOT NULL,"
     "  created_at TEXT NOT NULL);"},
    {3, "transparency log: entries, stored tree hashes, signed checkpoints",
     /* Entries and checkpoints are append-only in the database itself. */
     "CREATE TABLE log_entries ("
     "  idx INTEGER PRIMARY KEY,"
     "  entry BLOB NOT NULL,"
     "  kind TEXT NOT NULL,"
     "  subject TEXT NOT NULL,"
     "  created_at TEXT NOT NULL);"
     "CREATE INDEX log_entries_subject ON log_entries(subject, idx);"
     "CREATE TRIGGER log_entries_no_update BEFORE UPDATE ON log_entries BEGIN"
     "  SELECT RAISE(ABORT, 'log entries are append-only');"
     "END;"
     "CREATE TRIGGER log_entries_no_delete BEFORE DELETE ON log_entries BEGIN"
     "  SELECT RAISE(ABORT, 'log entries are append-only');"
     "END;"
     "CREATE TABLE log_hashes ("
     "  level INTEGER NOT NULL,"
     "  idx INTEGER NOT NULL,"
     "  hash BLOB NOT NULL,"
     "  PRIMARY KEY (level, idx)) WITHOUT ROWID;"
     "CREATE TABLE log_checkpoints ("
     "  size INTEGER PRIMARY KEY,"
     "  note TEXT NOT NULL,"
     "  created_at TEXT NOT NULL);"
     "CREATE TRIGGER log_checkpoints_no_update BEFORE UPDATE ON log_checkpoints BEGIN"
     "  SELECT RAISE(ABORT, 'checkpoints are append-only');"
     "END;"
     /* Each status event of a certificate is a public act with its place in the log. */
     "ALTER TABLE certificate_events ADD COLUMN log_index INTEGER;"},
    {4, "transparency log witnesses and their cosignatures",
     "CREATE TABLE log_witnesses ("
     "  name TEXT PRIMARY KEY,"
     "  vkey TEXT NOT NULL,"
     "  added_at TEXT NOT NULL);"
     "CREATE TABLE log_cosignatures ("
     "  size INTEGER NOT NULL REFERENCES log_checkpoints(size),"
     "  witness TEXT NOT NULL REFERENCES log_witnesses(name),"
     "  line TEXT NOT NULL,"
     "  created_at TEXT NOT NULL,"
     "  PRIMARY KEY (size, witness));"},
    {5,
     "annual sales filings: versions, lines with sealed personal data, per-certificate "
     "totals, status events, and enterprise events",
     "CREATE TABLE filings ("
     "  id INTEGER PRIMARY KEY,"
     /* A random name for the version, fixed before its lines are sealed: each sealed value's
      * associated data names it, so a token copied to another filing does not open. */
     "  uid TEXT NOT NULL UNIQUE,"
     "  enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),"
     "  uscc TEXT NOT NULL,"
     "  bureau_code TEXT NOT NULL REFERENCES bureaus(code),"
     "  year INTEGER NOT NULL,"
     "  version INTEGER NOT NULL,"
     "  status TEXT NOT NULL,"
     "  nil_return INTEGER NOT NULL,"
     "  lines INTEGER NOT NULL,"
     "  total_quantity INTEGER NOT NULL,"
     "  sm3 TEXT NOT NULL,"
     "  bytes INTEGER NOT NULL,"
     "  encoding TEXT NOT NULL,"
     "  received_at TEXT NOT NULL,"
     "  received_by TEXT NOT NULL,"
     "  submitted_at TEXT,"
     "  due_on TEXT,"
     "  late INTEGER NOT NULL DEFAULT 0,"
     "  log_index INTEGER,"
     "  decided_at TEXT,"
     "  decided_by TEXT,"
     "  reason TEXT NOT NULL DEFAULT '',"
     "  UNIQUE (uscc, year, version));"
     "CREATE INDEX filings_year_bureau ON filings(year, bureau_code, uscc);"
     /* Lines are stored once and never changed; a correction is a new version. No foreign
      * key: the lines of a version are written in the transaction that creates it. */
     "CREATE TABLE filing_lines ("
     "  filing_id INTEGER NOT NULL,"
     "  line INTEGER NOT NULL,"
     "  sale_date TEXT NOT NULL,"
     "  certificate_number TEXT NOT NULL,"
     "  product_model TEXT NOT NULL,"
     "  quantity INTEGER NOT NULL,"
     "  buyer_type TEXT NOT NULL,"
     "  buyer_name TEXT NOT NULL,"
     "  buyer_uscc TEXT NOT NULL,"
     "  buyer_id_type TEXT NOT NULL,"
     "  buyer_id_sealed TEXT NOT NULL,"
     "  buyer_id_masked TEXT NOT NULL,"
     "  buyer_address TEXT NOT NULL,"
     "  buyer_contact_sealed TEXT NOT NULL,"
     "  buyer_contact_masked TEXT NOT NULL,"
     "  end_use TEXT NOT NULL,"
     "  PRIMARY KEY (filing_id, line)) WITHOUT ROWID;"
     "CREATE TRIGGER filing_lines_no_update BEFORE UPDATE ON filing_lines BEGIN"
     "  SELECT RAISE(ABORT, 'filing lines are immutable; upload a new version');"
     "END;"
     "CREATE TRIGGER filing_lines_no_delete BEFORE DELETE ON filing_lines BEGIN"
     "  SELECT RAISE(ABORT, 'filing lines are immutable');"
     "END;"
     /* Per certificate sums of a version, so statistics never scan lines. */
     "CREATE TABLE filing_totals ("
     "  filing_id INTEGER NOT NULL REFERENCES filings(id),"
     "  certificate_number TEXT NOT NULL,"
     "  lines INTEGER NOT NULL,"
     "  quantity INTEGER NOT NULL,"
     "  PRIMARY KEY (filing_id, certificate_number)) WITHOUT ROWID;"
     "CREATE TABLE filing_events ("
     "  id INTEGER PRIMARY KEY,"
     "  filing_id INTEGER NOT NULL REFERENCES filings(id),"
     "  at TEXT NOT NULL,"
     "  actor TEXT NOT NULL,"
     "  action TEXT NOT NULL,"
     "  from_status TEXT NOT NULL,"
     "  to_status TEXT NOT NULL,"
     "  reason TEXT NOT NULL);"
     "CREATE INDEX filing_events_filing ON filing_events(filing_id, id);"
     /* Facts about an enterprise that the credit module will weigh: one per kind and subject. */
     "CREATE TABLE enterprise_events ("
     "  id INTEGER PRIMARY KEY,"
     "  enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),"
     "  uscc TEXT NOT NULL,"
     "  bureau_code TEXT NOT NULL REFERENCES bureaus(code),"
     "  kind TEXT NOT NULL,"
     "  subject TEXT NOT NULL,"
     "  occurred_on TEXT NOT NULL,"
     "  rule_id TEXT NOT NULL,"
     "  citation TEXT NOT NULL,"
     "  details TEXT NOT NULL,"
     "  recorded_at TEXT NOT NULL,"
     "  resolved_on TEXT,"
     "  resolved_by_filing INTEGER REFERENCES filings(id),"
     "  UNIQUE (uscc, kind, subject));"
     "CREATE INDEX enterprise_events_bureau ON enterprise_events(bureau_code, id);"
     "CREATE TRIGGER enterprise_events_no_delete BEFORE DELETE ON enterprise_events BEGIN"
     "  SELECT RAISE(ABORT, 'enterprise events are kept; set resolved_on');"
     "END;"},
};

int migrate_latest_version(void)
{
        return migrations[sizeof(migrations) / sizeof(migrations[0]) - 1].version;
}

int migrate_current_version(struct db *db)
{
        static const char sql[] = "SELECT COALESCE(MAX(version), 0) FROM schema_migrations";
        struct cr_error e = CR_ERROR_INIT;
        struct db_stmt *st = db_prepare(db, sql, &e);
        int v = 0;

        if (st && db_step(st, &e) == DB_ROW)
                v = (int)db_col_int(st, 0);
        db_done(st);
        cr_error_clear(&e);
        return v;
}

enum cr_err migrate_apply(struct db *db, struct cr_error *e)
{
        static const char record_sql[] =
            "INSERT INTO schema_migrations(version, summary, applied_at) VALUES ($1, $2, $3)";
        enum cr_err err;
        int current;

        err = db_exec(db,
                      "CREATE TABLE IF NOT EXISTS schema_migrations ("
                      "  version INTEGER PRIMARY KEY,"
                      "  summary TEXT NOT NULL,"
                      "  applied_at TEXT NOT NULL)",
                      e);
        if (err)
                return err;
        current = migrate_current_version(db);
        if (current > migrate_latest_version())
                return cr_fail(e, CR_ESTORE, "internal", NULL,
                               "the database has schema version %d, newer than this program's "
                               "%d; upgrade cryptoreg",
                               current, migrate_latest_version());
        for (size_t i = 0; i < sizeof(migrations) / sizeof(migrations[0]); i++) {
                const struct migration *m = &migrations[i];
                char now[RFC3339_LEN];
                struct db_stmt *st;

                if (m->version <= current)
                        continue;
                err = db_begin(db, e);
                if (err)
                        return err;
                err = db_exec(db, m->sql, e);
                if (!err) {
                        time_now_rfc3339(now);
                        st = db_prepare(db, record_sql, e);
                        if (!st) {
                                err = e->err;
                        } else {
                                db_bind_int(st, 1, m->version);
                                db_bind_text(st, 2, m->summary);
                                db_bind_text(st, 3, now);
                                if (db_step(st, e) != DB_DONE)
                                        err = e->err;
                                db_done(st);
                        }
                }
                if (!err)
                        err = db_commit(db, e);
                if (err) {
                        db_rollback(db);
                        return err;
                }
        }
        return CR_OK;
}
