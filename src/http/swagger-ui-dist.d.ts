// swagger-ui-dist ships no types. The docs page needs only where its files are: this module is
// the package's `getAbsoluteFSPath`, without the package index, which loads the whole UI bundle.
declare module 'swagger-ui-dist/absolute-path.js' {
  /** The package's folder, absolute. */
  export default function getAbsoluteFSPath(): string
}
