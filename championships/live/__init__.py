"""Live updates, one way: a change of what pages show -> its revision raised and, on commit, the
new state rendered once per followed language -> group_send -> each process's feed -> its pages.

- changes.py: which rows pages show (a registry of models), the revision, the push on commit;
- rendering.py: groups, the fragments of a frame, the frame a connecting page gets;
- layers.py: the Redis pub/sub layer (who follows a group, outages);
- feed.py: one channel-layer member per group and process, shared by its pages;
- wire.py: daphne's connections, a frame prepared once for all of them;
- consumer.py: one browser's WebSocket.
"""
