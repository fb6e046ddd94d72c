// Child process of result-folder-kill.test.ts: writes one result folder through the compiled
// writer and exits. argv: <compiled result-folder.js> <dir> <tag> <files> <bytes per file>.
// The parent sets RNNSIM_TEST_KILL_AT_FILE_OP to kill it before a given file operation.
const [modulePath, dir, tag, count, bytes] = process.argv.slice(2);
const { writeResultFolder } = await import(modulePath);
const files = new Map();
for (let i = 0; i < Number(count); i++) files.set(i % 2 === 0 ? `f${i}.txt` : `sub/f${i}.txt`, `${tag}\n`.padEnd(Number(bytes), tag[0]));
writeResultFolder(dir, files, { command: 'test' });
