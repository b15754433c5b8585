/**
 * Schema migrations. `PRAGMA user_version` holds the schema version; each entry upgrades from the
 * previous version in one transaction. Never edit a shipped migration: append a new one.
 */
export const migrations: { version: number; sql: string }[] = [
  {
    version: 1,
    sql: `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE classes (
  idx INTEGER PRIMARY KEY CHECK (idx BETWEEN 0 AND 255),
  name TEXT NOT NULL,
  r INTEGER NOT NULL, g INTEGER NOT NULL, b INTEGER NOT NULL,
  ignore INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE models (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('base', 'adapter')),
  parent_id INTEGER REFERENCES models(id),
  package_path TEXT NOT NULL,
  adapter BLOB,
  metrics TEXT,
  active INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE TABLE images (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  split TEXT NOT NULL DEFAULT 'train',
  split_order INTEGER,
  rgb_path TEXT NOT NULL,
  thermal_path TEXT NOT NULL,
  thermal_channel INTEGER,
  thermal_raw_path TEXT,
  width INTEGER NOT NULL,
  height INTEGER NOT NULL,
  thermal_bits INTEGER NOT NULL DEFAULT 8 CHECK (thermal_bits IN (8, 16)),
  content_hash TEXT,
  status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'prefilled', 'in_review', 'accepted')),
  reg_dx INTEGER NOT NULL DEFAULT 0,
  reg_dy INTEGER NOT NULL DEFAULT 0,
  confidence REAL,
  class_mask INTEGER NOT NULL DEFAULT 0,
  UNIQUE (split, name)
);
CREATE INDEX images_by_name ON images (name);
CREATE INDEX images_by_status ON images (status, name);
CREATE INDEX images_by_split ON images (split, name);
CREATE INDEX images_by_confidence ON images (confidence);
-- The label map of an image (zlib-deflated uint8, row-major) as of edit data_seq, and the head of
-- its history: the current map is data with the edits (data_seq, head_seq] applied.
CREATE TABLE annotations (
  image_id INTEGER PRIMARY KEY REFERENCES images(id) ON DELETE CASCADE,
  width INTEGER NOT NULL,
  height INTEGER NOT NULL,
  data BLOB NOT NULL,
  data_seq INTEGER NOT NULL DEFAULT 0,
  head_seq INTEGER NOT NULL DEFAULT 0,
  source TEXT NOT NULL CHECK (source IN ('human', 'model', 'import')),
  model_version_id INTEGER REFERENCES models(id),
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
-- One user action: the pixels of rect before and after (deflated). Undo/redo read these.
CREATE TABLE edits (
  id INTEGER PRIMARY KEY,
  image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  label TEXT NOT NULL,
  x INTEGER NOT NULL, y INTEGER NOT NULL, w INTEGER NOT NULL, h INTEGER NOT NULL,
  before BLOB NOT NULL,
  after BLOB NOT NULL,
  pixels INTEGER NOT NULL,
  undone INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  UNIQUE (image_id, seq)
);
-- Full label maps at meaningful moments (import, model pre-fill, acceptance): the audit trail.
CREATE TABLE revisions (
  id INTEGER PRIMARY KEY,
  image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
  source TEXT NOT NULL CHECK (source IN ('human', 'model', 'import')),
  model_version_id INTEGER REFERENCES models(id),
  pixels_edited INTEGER NOT NULL DEFAULT 0,
  width INTEGER NOT NULL,
  height INTEGER NOT NULL,
  data BLOB NOT NULL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX revisions_by_image ON revisions (image_id, id);
CREATE TABLE proposals (
  id INTEGER PRIMARY KEY,
  image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
  model_version_id INTEGER REFERENCES models(id),
  width INTEGER NOT NULL,
  height INTEGER NOT NULL,
  labels BLOB NOT NULL,
  confidence BLOB,
  regions TEXT NOT NULL DEFAULT '[]',
  mean_confidence REAL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX proposals_by_image ON proposals (image_id, id);
CREATE TABLE jobs (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  params TEXT NOT NULL DEFAULT '{}',
  state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed', 'cancelled', 'interrupted')),
  done INTEGER NOT NULL DEFAULT 0,
  total INTEGER NOT NULL DEFAULT 0,
  message TEXT NOT NULL DEFAULT '',
  error TEXT,
  result TEXT,
  checkpoint TEXT,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
`
  },
  {
    // Per-model records that lived in `meta` under key prefixes get tables of their own; the rows
    // are moved (a file of version 1 opens with its reports, gates and class mappings). Keys that
    // do not match a prefix exactly stay in meta untouched.
    version: 2,
    sql: `
CREATE TABLE training_reports (model_id INTEGER PRIMARY KEY, report TEXT NOT NULL);
CREATE TABLE adapter_gates (model_id INTEGER PRIMARY KEY, gate TEXT NOT NULL);
CREATE TABLE class_maps (manifest_id TEXT PRIMARY KEY, map TEXT NOT NULL);
INSERT INTO training_reports (model_id, report)
  SELECT CAST(substr(key, 17) AS INTEGER), value FROM meta WHERE key GLOB 'training.report.[0-9]*' AND substr(key, 17) NOT GLOB '*[^0-9]*';
DELETE FROM meta WHERE key GLOB 'training.report.[0-9]*' AND substr(key, 17) NOT GLOB '*[^0-9]*';
INSERT INTO adapter_gates (model_id, gate)
  SELECT CAST(substr(key, 15) AS INTEGER), value FROM meta WHERE key GLOB 'training.gate.[0-9]*' AND substr(key, 15) NOT GLOB '*[^0-9]*';
DELETE FROM meta WHERE key GLOB 'training.gate.[0-9]*' AND substr(key, 15) NOT GLOB '*[^0-9]*';
INSERT INTO class_maps (manifest_id, map) SELECT substr(key, 10), value FROM meta WHERE key GLOB 'classMap:?*';
DELETE FROM meta WHERE key GLOB 'classMap:?*';
`
  },
  {
    // Class-table changes (issue 18): one row per action, the table before and after it; a merge
    // keeps, per remapped blob, a mask of the pixels it changed so an undo can put them back.
    version: 3,
    sql: `
CREATE TABLE class_changes (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('rename', 'color', 'ignore', 'add', 'merge')),
  summary TEXT NOT NULL,
  from_idx INTEGER,
  to_idx INTEGER,
  before_classes TEXT NOT NULL,
  after_classes TEXT NOT NULL,
  pixels INTEGER NOT NULL DEFAULT 0,
  images INTEGER NOT NULL DEFAULT 0,
  undone INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE TABLE class_change_pixels (
  change_id INTEGER NOT NULL REFERENCES class_changes(id) ON DELETE CASCADE,
  tbl TEXT NOT NULL CHECK (tbl IN ('annotation', 'edit_before', 'edit_after', 'proposal')),
  row_id INTEGER NOT NULL,
  mask BLOB NOT NULL,
  regions TEXT,
  PRIMARY KEY (change_id, tbl, row_id)
);
`
  },
  {
    // Head-tier fine-tuning (issue 19): a version's per-pixel head over the frozen backbone,
    // predicting the project's classes (layout: models/versions/head.ts). Its presence makes the
    // version's tier 'head'; adapter versions keep models.adapter.
    version: 4,
    sql: `
CREATE TABLE model_heads (model_id INTEGER PRIMARY KEY REFERENCES models(id) ON DELETE CASCADE, head BLOB NOT NULL);
`
  },
  {
    // LoRA-tier fine-tuning (issue 19 item 2): a version whose package is a new full backbone made
    // by the Python worker. The tier is stored; older rows keep null and are read as before
    // (a head blob: 'head', else 'adapter').
    version: 5,
    sql: `
ALTER TABLE models ADD COLUMN tier TEXT;
`
  },
  {
    // An accept counts each edit once: edits it counted are marked. (Comparing timestamps counted
    // an edit twice when it shared a millisecond with the previous acceptance.) Edits made before
    // an image's newest human revision were counted by it.
    version: 6,
    sql: `
ALTER TABLE edits ADD COLUMN counted INTEGER NOT NULL DEFAULT 0;
UPDATE edits SET counted = 1 WHERE created_at <= coalesce(
  (SELECT max(r.created_at) FROM revisions r WHERE r.image_id = edits.image_id AND r.source = 'human'), '');
`
  }
]

export const LATEST_SCHEMA = migrations[migrations.length - 1]!.version
