// Worker-thread entry of a sharded full synth (lib/synth/shard.ts): loads
// cdktf and the stacks at once (it may be started before the catalog is
// loaded), then renders the stacks of the shard it is sent and posts them
// back; it writes nothing.
import { parentPort } from 'node:worker_threads';
import { renderShard, shardOf, type WorkerInput } from './shard';

parentPort?.once('message', ({ catalog, outdir, shard, shards, publicPath, progress }: WorkerInput) => {
  const onStack = progress ? () => parentPort?.postMessage({ progress: 1 }) : undefined;
  parentPort?.postMessage(renderShard(catalog, { outdir, publicPath, onStack, include: (name) => shardOf(name, shards) === shard }));
});
