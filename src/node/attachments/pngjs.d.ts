/** The part of pngjs (MIT) used here: synchronous decoding to RGBA (and encoding, for tests). */
declare module 'pngjs' {
  export const PNG: {
    sync: {
      read(buffer: Buffer, options?: { checkCRC?: boolean }): { width: number; height: number; data: Buffer };
      write(png: { width: number; height: number; data: Buffer }): Buffer;
    };
  };
}
