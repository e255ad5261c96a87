// jstat 1.9 ships no types: the distribution functions src/experiments/statistics.ts uses. The
// package is CommonJS; its module.exports (the default import) carries `jStat`.
declare module 'jstat' {
  type JStat = {
    normal: {
      cdf(x: number, mean: number, sd: number): number;
      inv(p: number, mean: number, sd: number): number;
    };
    chisquare: {
      cdf(x: number, degreesOfFreedom: number): number;
    };
  };
  const jstat: { jStat: JStat };
  export default jstat;
}
