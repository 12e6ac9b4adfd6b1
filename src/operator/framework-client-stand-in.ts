// What @dot-i/k8s-operator gets in place of @kubernetes/client-node in the bundled operator (scripts/bundle.mjs
// says why). The framework's constructor builds a KubeConfig and a CoreV1Api of its own that the operator never
// uses: ControllerOperator overrides every framework method that would use them (watchResource, the status and
// finalizer helpers) and does all its Kubernetes I/O through the Manager's client. Anything else the framework
// reaches fails at once, saying so, rather than talking to Kubernetes with a client nobody configured.

/** The error for a framework path the bundled operator does not support. */
export function notInBundle(what: string): Error {
  return new Error(
    `${what}: @dot-i/k8s-operator has no Kubernetes client of its own in the bundled operator; ` +
      'ControllerOperator must override the framework method that reached it (see scripts/bundle.mjs)',
  );
}

/** The framework's API client: unusable, and says so on first use. */
function unusableApiClient(): object {
  return new Proxy(
    {},
    {
      get(_target, property) {
        throw notInBundle(`the framework's API client (.${String(property)})`);
      },
    },
  );
}

/** Takes the framework's constructor calls (loadFromDefault, makeApiClient) and nothing else. */
export class KubeConfig {
  /** The framework loads the default kubeconfig it then never uses: nothing to load. */
  loadFromDefault(): void {}

  makeApiClient(): object {
    return unusableApiClient();
  }
}

export class Watch {
  constructor() {
    throw notInBundle('Watch');
  }
}

/** Only passed to makeApiClient, never constructed. */
export class CoreV1Api {}

/** Only passed to makeApiClient, never constructed. */
export class ApiextensionsV1Api {}

export function loadYaml(): never {
  throw notInBundle('loadYaml');
}
