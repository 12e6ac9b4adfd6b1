// Objects the smoke test creates: a CRD with a CEL rule, a restricted-profile Deployment, a tiny Helm chart.
import type { V1CustomResourceDefinition, V1Deployment } from '@kubernetes/client-node';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const WIDGET_GROUP = 'smoke.e2e.cloudflare-operator.io';

export const widgetCrd: V1CustomResourceDefinition = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `widgets.${WIDGET_GROUP}` },
  spec: {
    group: WIDGET_GROUP,
    scope: 'Namespaced',
    names: { plural: 'widgets', singular: 'widget', kind: 'Widget' },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                required: ['size'],
                properties: { size: { type: 'integer', minimum: 0 }, max: { type: 'integer' } },
                x_kubernetes_validations: [{ rule: 'self.size <= self.max', message: 'size must not exceed max' }],
              },
            },
          },
        },
      },
    ],
  },
};

const restrictedContainer = {
  securityContext: {
    runAsNonRoot: true,
    runAsUser: 65532,
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  },
};

export function sampleDeployment(name: string, image: string, replicas: number): V1Deployment {
  const labels = { app: name };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: {
        metadata: { labels },
        spec: { containers: [{ name: 'main', image, ...restrictedContainer }] },
      },
    },
  };
}

/** Writes a chart holding one Deployment of `replicas` pods and returns its directory. */
export async function writeTinyChart(dir: string): Promise<string> {
  const chart = join(dir, 'tiny');
  await mkdir(join(chart, 'templates'), { recursive: true });
  await writeFile(join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: tiny\nversion: 0.1.0\n');
  await writeFile(join(chart, 'values.yaml'), 'replicas: 2\n');
  const manifest = sampleDeployment('{{ .Release.Name }}-tiny', 'registry.example/tiny:1.0', 2);
  const yaml = JSON.stringify(manifest).replace('"replicas":2', '"replicas":{{ .Values.replicas }}');
  await writeFile(join(chart, 'templates', 'deployment.yaml'), `${yaml}\n`);
  return chart;
}
