// GET /user/tokens/verify: whether the API token is valid (an unknown one is answered 401 / 1000 by the server).
import { fail, success } from '../envelope.js';
import type { Handler } from './common.js';

export const verifyToken: Handler = (ctx) => {
  if (!ctx.principal.id.startsWith('token:')) throw fail(400, 6003, 'Invalid request headers');
  return success({ id: ctx.principal.id.slice('token:'.length), status: 'active' });
};
