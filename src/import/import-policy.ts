// The import's bounds and conversions, as data with named defaults (docs/migration.md).

export interface ImportPolicy {
  /**
   * Their quota units per US dollar: QuotaPerUnit = 500 * 1000.0, "$0.002 / 1K tokens"
   * (songquanpeng/one-api common/config/config.go, QuantumNous/new-api common/constants.go).
   * Only used to show a token's balance in dollars in the report.
   */
  quotaUnitsPerUsd: number;
  /**
   * Sluice tokens granted per unit of their remaining quota. Their unit is one token at model ratio 1
   * (the $0.002 / 1K tokens the constant is named after); they charge a model `ratio` units per token,
   * Sluice counts every model's tokens alike. 1 keeps a balance's size for ratio-1 models.
   */
  tokensPerQuotaUnit: number;
  /** A mysqldump file larger than this is refused (their `logs` table can be gigabytes). */
  maxDumpBytes: number;
  /** One INSERT/CREATE statement of the two tables longer than this is refused. */
  maxStatementBytes: number;
  /** Rows read per table at most; more is refused rather than half-imported. */
  maxRows: number;
}

export const defaultImportPolicy: Readonly<ImportPolicy> = Object.freeze({
  quotaUnitsPerUsd: 500_000,
  tokensPerQuotaUnit: 1,
  maxDumpBytes: 2 * 1024 ** 3,
  maxStatementBytes: 64 * 1024 ** 2,
  maxRows: 100_000,
});

/** One thing the import could not carry over, or carried over differently, and why. */
export interface ReportItem {
  /** `channel #3 "azure-east"`, `token #12 "ci"`, or `import`. */
  subject: string;
  what: string;
  why: string;
}
