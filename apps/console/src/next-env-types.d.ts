// Next.js types for the app (CSS imports, process.env, image imports). Next.js also writes
// next-env.d.ts, which git ignores; this file keeps `tsc -p apps/web` working without it.
/// <reference types="next" />
/// <reference types="next/image-types/global" />
