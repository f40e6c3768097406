/** Types of build.mjs (plain JS so that `npm run build` runs it with node directly). */
export declare const DEFAULT_OUT_DIR: string;

export interface DashboardBuild {
  readonly outDir: string;
  /** `/assets/app-<hash>.js` */
  readonly script: string;
  /** `/assets/app-<hash>.css` */
  readonly stylesheet: string;
}

export declare function buildDashboard(options?: {
  readonly outDir?: string;
  readonly minify?: boolean;
}): Promise<DashboardBuild>;
