export function double(x) {
  return x * 2;
}

export function pick(flag: boolean): number | string {
  return flag ? 1 : "one";
}

const n: number = pick(true);
console.log(notDefined, n);
