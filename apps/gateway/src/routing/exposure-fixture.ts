/**
 * For tests: deploys an API as a Kyma APIRule exposes it, on hosts (its operations carry their
 * rules). The control-plane fixture's ApiSpec has no hosts yet, so the fixture's API is deployed,
 * then a second revision with them, as a publisher's edit and redeploy would make it.
 */
import type { GatewayApi } from '@apim/contracts';
import { appendGatewayEvent, type Prisma } from '@apim/db';
import { gatewayApi, takeApiSnapshot } from '@apim/gateway-model';
import type { ApiSpec, ControlPlaneFixture } from '../test-support/control-plane-fixture.js';

export interface ExposedApiSpec extends ApiSpec {
  hosts: string[];
}

export async function deployExposedApi(fx: ControlPlaneFixture, spec: ExposedApiSpec): Promise<GatewayApi> {
  const first = await fx.deployApi(spec);
  return fx.prisma.$transaction(async (tx) => {
    await tx.api.update({ where: { id: first.id }, data: { hosts: spec.hosts } });
    const { snapshot } = (await takeApiSnapshot(tx, first.id))!;
    const revision = await tx.apiRevision.create({
      data: { apiId: first.id, revisionNumber: 2, snapshot: snapshot as unknown as Prisma.InputJsonValue },
    });
    await tx.revisionDeployment.updateMany({ where: { apiId: first.id }, data: { revisionId: revision.id } });
    const view = gatewayApi(
      snapshot,
      { revisionId: revision.id, environment: first.environment, vhost: first.vhost },
      { lifecycleStatus: first.lifecycleStatus, isDefaultVersion: first.isDefaultVersion },
    );
    await appendGatewayEvent(tx, 'API_DEPLOYED', { api: view });
    return view;
  });
}
