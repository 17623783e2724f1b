/** Stands in for Node-only packages (less, postcss, csso, miniprogram-compiler) in the browser bundle. */
export default {};
