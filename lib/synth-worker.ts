// Worker-thread entry of a sharded full synth (lib/synth.ts): synthesizes the
// stacks of one shard and posts back their manifest entries and writes.
import { parentPort, workerData } from 'node:worker_threads';
import { shardOf, synthesizeShard, type WorkerInput } from './synth';

const { catalog, outdir, shard, shards, progress } = workerData as WorkerInput;
const onStack = progress ? () => parentPort?.postMessage({ progress: 1 }) : undefined;
parentPort?.postMessage(synthesizeShard(catalog, outdir, (name) => shardOf(name, shards) === shard, onStack));
