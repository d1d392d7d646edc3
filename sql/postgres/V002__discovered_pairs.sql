-- Pairs found by the weekly pair_discovery job: one ranked list per discovery run (run_ts, UTC ns).
CREATE TABLE strategy_engine.discovered_pairs (
    run_ts         BIGINT           NOT NULL,
    rank           INTEGER          NOT NULL CHECK (rank >= 1),
    first_symbol   TEXT             NOT NULL,
    second_symbol  TEXT             NOT NULL,
    source         TEXT             NOT NULL DEFAULT '',
    observations   BIGINT           NOT NULL DEFAULT 0 CHECK (observations >= 0),
    hedge_ratio    DOUBLE PRECISION NOT NULL,
    intercept      DOUBLE PRECISION NOT NULL DEFAULT 0,
    adf_statistic  DOUBLE PRECISION NOT NULL,
    p_value        DOUBLE PRECISION NOT NULL CHECK (p_value >= 0 AND p_value <= 1),
    half_life      DOUBLE PRECISION,     -- NULL: not mean reverting
    correlation    DOUBLE PRECISION NOT NULL,
    mean_abs_z     DOUBLE PRECISION NOT NULL,
    score          DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (run_ts, rank),
    CHECK (first_symbol <> second_symbol)
);
CREATE INDEX discovered_pairs_symbols_idx ON strategy_engine.discovered_pairs (first_symbol, second_symbol);
