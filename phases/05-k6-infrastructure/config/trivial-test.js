// One iteration that does nothing: proves the operator can schedule a
// runner, start it and collect its results.
export const options = { vus: 1, iterations: 1 };

export default function () {}
