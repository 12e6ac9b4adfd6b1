// A minimal router: `METHOD /path/:param` patterns, matched in order.

export interface RouteMatch<H> {
  handler: H;
  params: Record<string, string>;
  /** The pattern, e.g. `GET /zones/:zone_id/dns_records`: the key calls are counted by. */
  route: string;
}

export class Router<H> {
  private routes: { method: string; pattern: string; regex: RegExp; names: string[]; handler: H }[] = [];

  add(method: string, pattern: string, handler: H): this {
    const names: string[] = [];
    const source = pattern.replace(/:([a-z_]+)/g, (_m, name: string) => {
      names.push(name);
      return '([^/]+)';
    });
    this.routes.push({ method, pattern, regex: new RegExp(`^${source}/?$`), names, handler });
    return this;
  }

  match(method: string, path: string): RouteMatch<H> | undefined {
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const m = route.regex.exec(path);
      if (!m) continue;
      const params: Record<string, string> = {};
      route.names.forEach((name, i) => (params[name] = decodeURIComponent(m[i + 1] ?? '')));
      return { handler: route.handler, params, route: `${method} ${route.pattern}` };
    }
    return undefined;
  }
}
