// Stops with one line and exit status 2 when this Node is older than the one Sluice needs, naming both
// versions, instead of a raw parser or loader error (ERR_UNKNOWN_FILE_EXTENSION for src/*.ts on Node
// 20). Written in syntax every Node since 12 parses and without imports, so an old Node reaches it.
// bin/sluice.js loads it before anything else; `npm start` runs it before building the console
// (`prestart`). Node's own floor: type stripping on by default and node:sqlite (package.json engines).
export const neededMajor = 24;

const foundMajor = Number(process.versions.node.split('.')[0]);
if (!(foundMajor >= neededMajor)) {
  process.stderr.write(`sluice: needs Node.js ${neededMajor} or newer, found v${process.versions.node} (${process.execPath}); install Node.js ${neededMajor} (https://nodejs.org) and run again.\n`);
  process.exit(2);
}
