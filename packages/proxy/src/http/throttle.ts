import { Transform } from 'node:stream';

/**
 * Passes bytes on at no more than `bytesPerSecond`, in slices of a tenth of a second, so a slow mobile link
 * can be imitated on a fast one. Destroying the stream cancels the pending slice.
 */
export function throttle(bytesPerSecond: number): Transform {
  const slice = Math.max(1, Math.floor(bytesPerSecond / 10));
  let timer: NodeJS.Timeout | undefined;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      let offset = 0;
      const pushSlice = () => {
        timer = undefined;
        this.push(chunk.subarray(offset, offset + slice));
        offset += slice;
        if (offset >= chunk.length) done();
        else timer = setTimeout(pushSlice, 100);
      };
      timer = setTimeout(pushSlice, 100);
    },
    destroy(error, callback) {
      if (timer) clearTimeout(timer);
      callback(error);
    },
  });
}
