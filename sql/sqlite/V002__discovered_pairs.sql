-- Pairs found by the weekly pair_discovery job: one ranked list per discovery run (run_ts, UTC ns).
CREATE TABLE discovered_pairs (
    run_ts         INTEGER NOT NULL,
    rank           INTEGER NOT NULL CHECK (rank >= 1),
    first_symbol   TEXT    NOT NULL,
    second_symbol  TEXT    NOT NULL,
    source         TEXT    NOT NULL DEFAULT '',
    observations   INTEGER NOT NULL DEFAULT 0 CHECK (observations >= 0),
    hedge_ratio    REAL    NOT NULL,
    intercept      REAL    NOT NULL DEFAULT 0,
    adf_statistic  REAL    NOT NULL,
    p_value        REAL    NOT NULL CHECK (p_value >= 0 AND p_value <= 1),
    half_life      REAL,                 -- NULL: not mean reverting
    correlation    REAL    NOT NULL,
    mean_abs_z     REAL    NOT NULL,
    score          REAL    NOT NULL,
    PRIMARY KEY (run_ts, rank),
    CHECK (first_symbol <> second_symbol)
);
CREATE INDEX discovered_pairs_symbols_idx ON discovered_pairs (first_symbol, second_symbol);
