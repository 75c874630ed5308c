import { readFileSync } from 'node:fs';
import type { KubeObject } from '../../support/fake-kube-apiserver.ts';

/** PDB status as the API server reports it (test/fixtures/k8s-pdb-status.json): 3 healthy, 2 needed, 1 disruption allowed. */
export const pdbStatus = JSON.parse(readFileSync(new URL('../../fixtures/k8s-pdb-status.json', import.meta.url), 'utf8')).status;

const apiLabels = { app: 'api' };
const template = (image: string, extra: Record<string, string> = {}) => ({
  metadata: { labels: { ...apiLabels, ...extra } },
  spec: { containers: [{ name: 'api', image, resources: { requests: { cpu: '250m', memory: '512Mi' } } }] },
});

const namespace = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name }, status: { phase: 'Active' } });

/**
 * A small cluster like the demo shop: payments/api (revision 2 of 2, crash-looping) with its ReplicaSets, pods and a
 * PDB; shop/checkout managed by Argo CD; two nodes; two PVCs (one mounted); the system namespace.
 */
export function kubeWorld(): KubeObject[] {
  const deploymentUid = '6f1c2b8e-0000-4000-8000-00000000a001';
  const owner = (kind: string, name: string, uid: string) => [{ apiVersion: 'apps/v1', kind, name, uid, controller: true }];
  const replicaSet = (name: string, revision: number, image: string, replicas: number): KubeObject => ({
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name,
      namespace: 'payments',
      labels: { ...apiLabels, 'pod-template-hash': name.split('-').at(-1)! },
      annotations: { 'deployment.kubernetes.io/revision': String(revision) },
      ownerReferences: owner('Deployment', 'api', deploymentUid),
      uid: `rs-${name}`,
    },
    spec: { replicas, selector: { matchLabels: apiLabels }, template: template(image, { 'pod-template-hash': name.split('-').at(-1)! }) },
    status: { replicas },
  });
  const pod = (name: string, node: string): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'payments',
      labels: { ...apiLabels, 'pod-template-hash': '7d9f4b6c8' },
      ownerReferences: owner('ReplicaSet', 'api-7d9f4b6c8', 'rs-api-7d9f4b6c8'),
    },
    spec: { nodeName: node, containers: [{ name: 'api', image: 'registry.example/api:1.5.0' }] },
    status: { phase: 'Running' },
  });
  return [
    namespace('shop'),
    namespace('payments'),
    namespace('kube-system'),
    namespace('preview-pr-142'),
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'api', namespace: 'payments', uid: deploymentUid, annotations: { 'deployment.kubernetes.io/revision': '2' }, labels: apiLabels },
      spec: { replicas: 3, selector: { matchLabels: apiLabels }, template: template('registry.example/api:1.5.0'), strategy: { type: 'RollingUpdate' } },
      status: { replicas: 3, readyReplicas: 1, updatedReplicas: 3, observedGeneration: 1 },
    },
    replicaSet('api-5c8b7f9d4', 1, 'registry.example/api:1.4.1', 0),
    replicaSet('api-7d9f4b6c8', 2, 'registry.example/api:1.5.0', 3),
    pod('api-7d9f4b6c8-x2k4q', 'node-a'),
    pod('api-7d9f4b6c8-b9zfd', 'node-b'),
    pod('api-7d9f4b6c8-m4c6w', 'node-b'),
    {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'api-pdb', namespace: 'payments' },
      spec: { minAvailable: 2, selector: { matchLabels: apiLabels } },
      status: structuredClone(pdbStatus),
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: 'checkout',
        namespace: 'shop',
        labels: { app: 'checkout' },
        annotations: { 'argocd.argoproj.io/tracking-id': 'shop-checkout:apps/Deployment:shop/checkout', 'deployment.kubernetes.io/revision': '1' },
      },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'checkout' } },
        template: { metadata: { labels: { app: 'checkout' } }, spec: { containers: [{ name: 'checkout', image: 'registry.example/checkout:3.2.0' }] } },
      },
      status: { replicas: 2, readyReplicas: 2 },
    },
    { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-a', labels: { 'kubernetes.io/hostname': 'node-a' } }, spec: {}, status: {} },
    {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'node-b', labels: { 'kubernetes.io/hostname': 'node-b' } },
      spec: { unschedulable: false },
      status: {},
    },
    {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'old-export', namespace: 'shop' },
      spec: { volumeName: 'pv-0001', storageClassName: 'standard', resources: { requests: { storage: '10Gi' } } },
      status: { phase: 'Bound' },
    },
    {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'orders-data', namespace: 'shop' },
      spec: { volumeName: 'pv-0002', storageClassName: 'standard', resources: { requests: { storage: '50Gi' } } },
      status: { phase: 'Bound' },
    },
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'orders-db-0',
        namespace: 'shop',
        labels: { app: 'orders-db' },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'orders-db', uid: 'sts-1', controller: true }],
      },
      spec: {
        nodeName: 'node-a',
        containers: [{ name: 'db', image: 'postgres:17' }],
        volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'orders-data' } }],
      },
      status: { phase: 'Running' },
    },
  ];
}
