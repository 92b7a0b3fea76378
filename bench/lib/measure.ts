// Latency sampling for in-process benchmarks.

export interface Scenario {
  name: string;
  run(): Promise<unknown>;
}

export interface LatencySummary {
  name: string;
  samples: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

/**
 * Runs every scenario `warmup` times, then `iterations` times, interleaved: each round runs each
 * scenario once, starting from a different one each round. Interleaving spreads load from other
 * processes over all scenarios instead of penalising whichever ran during a busy spell.
 */
export async function measureInterleaved(
  scenarios: readonly Scenario[],
  options: { warmup: number; iterations: number },
): Promise<LatencySummary[]> {
  for (let round = 0; round < options.warmup; round += 1) {
    for (const scenario of scenarios) await scenario.run();
  }
  const samples = scenarios.map(() => [] as number[]);
  for (let round = 0; round < options.iterations; round += 1) {
    for (let offset = 0; offset < scenarios.length; offset += 1) {
      const index = (round + offset) % scenarios.length;
      const started = performance.now();
      await scenarios[index]!.run();
      samples[index]!.push(performance.now() - started);
    }
  }
  return scenarios.map((scenario, index) => summarize(scenario.name, samples[index]!));
}

function summarize(name: string, samples: number[]): LatencySummary {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    name,
    samples: sorted.length,
    p50Ms: percentile(sorted, 50),
    p95Ms: percentile(sorted, 95),
    maxMs: sorted[sorted.length - 1] ?? Number.NaN,
  };
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}
