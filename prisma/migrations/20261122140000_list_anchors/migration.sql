-- Page anchors of the large lists (docs/adr/0003-large-table-lists.md): every Nth row's id of a
-- large table in (sort column, id) order, so a list page reached without a cursor starts from the
-- nearest anchor instead of an OFFSET over millions of rows. A derived read model, rebuilt from
-- the table at any time (src/admin/list-anchors/), in `read_models` (not managed by Prisma).

CREATE SCHEMA IF NOT EXISTS read_models;

-- One row per anchored list: the build's row count and last row (rows added after it are counted
-- at read time), and the table's insert+delete counter when built (pg_stat_user_tables), which
-- tells the refresh how much the positions may have drifted since.
CREATE TABLE read_models.list_anchor_sets (
    list TEXT PRIMARY KEY,
    total BIGINT NOT NULL,
    last_row_id TEXT NOT NULL,
    every INTEGER NOT NULL,
    changes_at_build BIGINT NOT NULL,
    built_at TIMESTAMPTZ(3) NOT NULL
);

-- `ordinal`: the row's 0-based position in ascending (sort column, id) order at the build.
CREATE TABLE read_models.list_anchors (
    list TEXT NOT NULL REFERENCES read_models.list_anchor_sets (list) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    ordinal BIGINT NOT NULL,
    row_id TEXT NOT NULL,
    CONSTRAINT list_anchors_pkey PRIMARY KEY (list, ordinal)
);

GRANT USAGE ON SCHEMA read_models TO opsdeck_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON read_models.list_anchor_sets, read_models.list_anchors TO opsdeck_app;
