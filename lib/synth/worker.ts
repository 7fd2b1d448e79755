// Worker-thread entry of a sharded full synth (lib/synth/shard.ts): renders
// the stacks of one shard and posts them back; it writes nothing.
import { parentPort, workerData } from 'node:worker_threads';
import { renderShard, shardOf, type WorkerInput } from './shard';

const { catalog, outdir, shard, shards, publicPath } = workerData as WorkerInput;
parentPort?.postMessage(renderShard(catalog, { outdir, publicPath, include: (name) => shardOf(name, shards) === shard }));
