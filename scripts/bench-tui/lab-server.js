// The lab's flood and SMTP servers for the TUI bench, in a process of their own so that serving a
// flood never shares an event loop with the bench polling the screen. One flood port per size.
// argv: LAB_JS SIZE... ; reports {ports: {smtp, floods: {SIZE: port}, binaryFloods: {SIZE: port}}}
// over IPC, and goes when the bench does (the IPC channel closing). A binary flood (random bytes)
// beside each text flood: its pool of bytes is made on its first connection only.

const [labJs, ...sizes] = process.argv.slice(2);
const { startLab } = await import(labJs);

const labs = [];
const floods = {};
const binaryFloods = {};
for (const size of sizes) {
  const lab = await startLab({ basePort: 0, floodBytes: Number(size), only: ['flood', 'binary-flood'] });
  labs.push(lab);
  floods[size] = lab.ports.flood;
  binaryFloods[size] = lab.ports['binary-flood'];
}
const smtp = await startLab({ basePort: 0, only: ['smtp'] });
labs.push(smtp);

process.on('disconnect', () => {
  void Promise.all(labs.map((l) => l.close())).finally(() => process.exit(0));
  // A lab close waits for its servers; never linger for it.
  setTimeout(() => process.exit(0), 1000).unref();
});
process.send({ ports: { smtp: smtp.ports.smtp, floods, binaryFloods } });
