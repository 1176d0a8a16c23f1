import { PGlite } from '@electric-sql/pglite';
let t=Date.now(); const p = await PGlite.create(); console.log('create', Date.now()-t); t=Date.now();
await p.query('create table x(a int)'); const d = await p.dumpDataDir('none'); console.log('dump', Date.now()-t, d.size); t=Date.now();
const q = await PGlite.create({ loadDataDir: d }); console.log('load', Date.now()-t); console.log((await q.query('select count(*) from x')).rows);
