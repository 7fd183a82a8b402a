interface User {
  name: string;
  age: number;
}

function describe(u: User): string {
  return u.name + " is " + u.agee;
}

describe({ name: "Ann" });
