-- Dataset versions (issue 7): files, folders and query results pinned by the digest of their
-- manifest. The bytes live in the artifact store, content-addressed; this table is the index
-- that finds them by name and by digest. The same content may be logged under several names.

CREATE TABLE dataset_versions (
    dataset_name  VARCHAR(256)  NOT NULL,
    digest        VARCHAR(256)  NOT NULL,
    kind          VARCHAR(16)   NOT NULL,
    source        VARCHAR(4000) NOT NULL,
    file_count    INTEGER       NOT NULL,
    size_bytes    BIGINT        NOT NULL,
    -- NULL when the data is not tabular.
    row_count     BIGINT,
    -- StoredFormats.schemaToJson / profileToJson: versioned JSON, readable by every store.
    schema_json   VARCHAR       NOT NULL,
    profile_json  VARCHAR       NOT NULL,
    created_by    VARCHAR(256)  NOT NULL,
    creation_time BIGINT        NOT NULL,
    CONSTRAINT dataset_versions_pk PRIMARY KEY (dataset_name, digest),
    CONSTRAINT dataset_versions_kind_ck CHECK (kind IN ('FILE', 'FOLDER', 'QUERY')),
    CONSTRAINT dataset_versions_counts_ck CHECK (file_count >= 1 AND size_bytes >= 0)
);

CREATE INDEX dataset_versions_digest_idx ON dataset_versions (digest);

-- Lineage from a dataset to the runs that used it reads run_inputs_digest_idx (V3).
