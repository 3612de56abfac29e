/** One installed npm package whose code is in the bundle. */
export interface BundledPackage {
  name: string;
  version: string;
  /** The SPDX expression from its package.json (`license`, or the old `licenses` array). */
  license: string;
  /** The package's LICENSE/COPYING files, or the stored standard text when it ships none. */
  licenseText: string;
  /** `engines.node` from its package.json, when it declares one. */
  enginesNode: string | undefined;
  /** Absolute folder of the installed copy. */
  dir: string;
}
export function bundledPackages(inputPaths: string[], workingDir: string): BundledPackage[];
export function renderLicenses(packages: BundledPackage[]): string;
