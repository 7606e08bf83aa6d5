// From runs to figures: medians per client and sink, porthole's ratios to nc and socat, its
// memory at two stream sizes, and the table that shows them.

const MiB = 1 << 20;

const SINK_LABELS = { null: '/dev/null', pipe: 'pipe | wc -c', none: '-' };
const sinkLabel = (sink, verify) => (sink === 'pipe' && verify ? 'pipe | check' : SINK_LABELS[sink]);

const median = (xs) => {
  const s = xs.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return null;
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
};
const ratio = (a, b) => (a === null || b === null || !b ? null : a / b);
const fmt = (x, digits = 0) => (x === null || x === undefined ? 'n/a' : x.toFixed(digits));
const times = (x, digits) => (x === null ? 'n/a' : `${x.toFixed(digits)}x`);

function summarize(runs) {
  // A failed run's figures would be a lie (a client that lost bytes is fast): medians of ok runs.
  const ok = runs.filter((r) => r.ok);
  const of = (k) => median(ok.map((r) => r[k]));
  const rates = ok.map((r) => r.mibps);
  return {
    runs: runs.length,
    ok: ok.length,
    mibps: of('mibps'),
    minMibps: rates.length ? Math.min(...rates) : null,
    maxMibps: rates.length ? Math.max(...rates) : null,
    streamMibps: of('streamMibps'),
    wallS: of('wallS'),
    startupS: of('startupS'),
    rssMiB: of('rssMiB'),
    cpuS: of('cpuS'),
  };
}

/** results: [{ client, sink, bytes, runs }]; returns rows, ratios and the memory check. */
export function analyse(results, { bytes, smallBytes, sinks, candidates, targets = { nc: 1, socat: 1 } }) {
  const rows = results.map((c) => ({
    client: c.client.name,
    label: c.client.label,
    sink: c.client.selfCounting ? 'none' : c.sink,
    mib: c.bytes / MiB,
    ...summarize(c.runs),
    perRun: c.runs,
  }));
  const row = (client, sink, b = bytes) => rows.find((r) => r.client === client && r.sink === sink && r.mib === b / MiB);

  const ratios = [];
  for (const sink of sinks) {
    const p = row('porthole', sink);
    for (const other of [...Object.keys(targets), ...candidates.map((c) => c.name)]) {
      const x = row(other, sink);
      if (!p || !x) continue;
      ratios.push({
        sink,
        versus: other,
        candidate: candidates.some((c) => c.name === other),
        /** porthole's throughput must be at least this share of the other's (null: only compared). */
        target: targets[other] ?? null,
        throughput: ratio(p.mibps, x.mibps),
        streamThroughput: ratio(p.streamMibps, x.streamMibps),
        rss: ratio(p.rssMiB, x.rssMiB),
        cpu: ratio(p.cpuS, x.cpuS),
      });
    }
  }

  const memory = [];
  for (const sink of smallBytes === bytes ? [] : sinks) {
    const small = row('porthole', sink, smallBytes);
    const big = row('porthole', sink);
    if (small?.rssMiB == null || big?.rssMiB == null) continue;
    const growthMiB = big.rssMiB - small.rssMiB;
    memory.push({
      sink,
      smallMiB: small.mib,
      bigMiB: big.mib,
      smallRssMiB: small.rssMiB,
      bigRssMiB: big.rssMiB,
      growthMiB,
      // Memory that followed the stream would add hundreds of MiB here; GC timing moves a few.
      flat: growthMiB <= Math.max(16, small.rssMiB * 0.15),
    });
  }
  return { rows, ratios, memory };
}

export function table(rep) {
  const { machine: m, config: c } = rep;
  const lines = [];
  const say = (s = '') => lines.push(s);
  say(`porthole bench: receive ${c.mib} MiB from a flood server on ${c.host}, ${c.rounds} rounds, medians`);
  say(`  node ${m.node} | ${m.cpus} CPUs (${m.cpuModel}) | ${m.kernel} | ${m.memGiB} GiB RAM`);
  say(`  ${m.nc ?? 'nc: none'} | ${m.socat ?? 'socat: none'} | ${m.openssl ?? 'openssl: none'} | counter: ${m.counter ?? 'wc'}`);
  say(`  peak RSS and CPU (user+sys) of the client process: ${m.gnuTime ? 'GNU time (wait4 rusage)' : 'n/a (no GNU time at /usr/bin/time)'}`);
  for (const s of rep.skipped) say(`  skipped ${s.client}: ${s.why}`);
  for (const x of c.candidates) say(`  candidate ${x.name}: ${x.path}`);
  if (c.verify) say('  --verify: the pipe sink compares every byte, so its rates measure the checker as much as the client');
  say('  wall = spawn to exit; stream = connect to exit (without process startup); MiB = 2^20 bytes');
  say();

  const head = ['client', 'sink', 'MiB', 'wall MiB/s', '(min-max)', 'stream MiB/s', 'startup s', 'peak RSS MiB', 'CPU s', 'ok'];
  const body = rep.rows.map((r) => [
    r.label,
    sinkLabel(r.sink, c.verify),
    String(r.mib),
    fmt(r.mibps),
    r.minMibps === null ? '' : `${fmt(r.minMibps)}-${fmt(r.maxMibps)}`,
    fmt(r.streamMibps),
    fmt(r.startupS, 3),
    fmt(r.rssMiB, 1),
    fmt(r.cpuS, 2),
    `${r.ok}/${r.runs}`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells) => `  ${cells.map((x, i) => (i < 2 ? x.padEnd(widths[i]) : x.padStart(widths[i]))).join('  ')}`;
  say(line(head));
  for (const b of body) say(line(b));
  const ceiling = rep.rows.find((r) => r.client === 'ceiling');
  const others = rep.rows.filter((r) => r.client !== 'ceiling' && r.mib === c.mib && r.streamMibps);
  if (ceiling?.streamMibps && others.length) {
    // Stream rates, not wall: the reader is a Node process, and its startup is not the server's.
    const best = Math.max(...others.map((r) => r.streamMibps));
    say(
      `  bench reader = the server's ceiling (it discards, 1 MiB reads); the fastest client streamed at ` +
        `${fmt((best / ceiling.streamMibps) * 100)}% of it`,
    );
  }

  if (rep.ratios.length) {
    say();
    const targets = rep.ratios.filter((q) => q.target !== null).map((q) => `${q.versus} ${q.target}`);
    say(`porthole / other, medians (throughput at least ${[...new Set(targets)].join(', ')} meets the requirement; RSS and CPU: lower is better)`);
    const w = Math.max(5, ...rep.ratios.map((q) => q.versus.length));
    for (const r of rep.ratios) {
      // The requirement is about nc and socat; a candidate build is only compared.
      const verdict = r.throughput === null || r.candidate || r.target === null ? '' : r.throughput >= r.target ? 'meets' : 'BELOW';
      say(
        `  vs ${r.versus.padEnd(w)}  ${sinkLabel(r.sink, c.verify).padEnd(12)}  throughput ${fmt(r.throughput, 2)} ${verdict.padEnd(5)}` +
          `  stream ${fmt(r.streamThroughput, 2)}  peak RSS ${times(r.rss, 1)}  CPU ${times(r.cpu, 2)}`,
      );
    }
  }

  if (rep.memory.length) {
    say();
    say('porthole peak RSS against stream size, medians');
    for (const x of rep.memory) {
      const sign = x.growthMiB >= 0 ? '+' : '';
      say(
        `  ${sinkLabel(x.sink, c.verify).padEnd(12)}  ${x.smallMiB} MiB: ${fmt(x.smallRssMiB, 1)} MiB   ` +
          `${x.bigMiB} MiB: ${fmt(x.bigRssMiB, 1)} MiB   ${sign}${fmt(x.growthMiB, 1)} MiB: ${x.flat ? 'flat' : 'GROWS WITH THE STREAM'}`,
      );
    }
  }

  say();
  if (rep.failures.length) {
    say(`!!! ${rep.failures.length} FAILED RUN(S), left out of the medians:`);
    for (const f of rep.failures) say(`!!!   ${f.client} ${f.sink} ${f.bytes / MiB} MiB round ${f.round}: ${f.problems.join('; ')}`);
  } else {
    const checked = c.verify ? 'compared every byte of' : 'counted all';
    say(`all runs ok (every pipe run ${checked} ${c.mib} MiB; every client exited by itself) in ${fmt(rep.elapsedS)} s`);
  }
  return `${lines.join('\n')}\n`;
}

export { fmt };
