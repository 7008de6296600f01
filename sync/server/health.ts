/** Per-interface counts for monitoring (the platform watches upload count and success rate per interface). */
export interface InterfaceCounts {
  requests: number;
  succeeded: number;
  refused: number;
  failed: number;
}

export class Metrics {
  readonly startedAt = new Date().toISOString();
  readonly interfaces = new Map<string, InterfaceCounts>();
  documentsUploaded = 0;
  documentsServed = 0;

  record(route: string, status: number): void {
    const counts = this.interfaces.get(route) ?? { requests: 0, succeeded: 0, refused: 0, failed: 0 };
    counts.requests += 1;
    if (status < 400) counts.succeeded += 1;
    else if (status < 500) counts.refused += 1;
    else counts.failed += 1;
    this.interfaces.set(route, counts);
  }

  snapshot(): Record<string, InterfaceCounts & { successRate: number | null }> {
    const out: Record<string, InterfaceCounts & { successRate: number | null }> = {};
    for (const [route, counts] of [...this.interfaces].sort(([a], [b]) => a.localeCompare(b))) {
      out[route] = { ...counts, successRate: counts.requests ? counts.succeeded / counts.requests : null };
    }
    return out;
  }
}
