/** The dashboard's entry point (bundled by web/build.mjs into dist/web/assets/). */
import "uplot/dist/uPlot.min.css";
import "./style.css";
import { startRouter } from "./router.js";

startRouter();
