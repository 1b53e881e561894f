/*
 * The transparency log's released migrations.
 * A released migration is never edited: a change to the schema is a new
 * entry with the next free version (versions are unique across capabilities;
 * docs/architecture.md lists who holds which).
 */
#include "transparency/transparency_int.h"

const struct migration transparency_migrations[TRANSPARENCY_MIGRATIONS] = {
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
};
