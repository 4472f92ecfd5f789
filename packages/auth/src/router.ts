import { createTRPCRouter, protectedProcedure, publicProcedure, rateLimit } from '@subkit/core';
import { authSessionOutput, signInInput, signUpInput, userOutput } from './schemas';
import { signIn, signOut, signUp } from './service';

// Password guessing and account-creation floods are limited per client address.
const credentialProcedure = publicProcedure.use(rateLimit('auth', (ctx) => ctx.request.ip));

export const authRouter = createTRPCRouter({
  signUp: credentialProcedure
    .input(signUpInput)
    .output(authSessionOutput)
    .mutation(({ ctx, input }) => signUp(ctx, input)),

  signIn: credentialProcedure
    .input(signInInput)
    .output(authSessionOutput)
    .mutation(({ ctx, input }) => signIn(ctx, input)),

  signOut: protectedProcedure.mutation(async ({ ctx }) => {
    await signOut(ctx, ctx.session.id);
    return { signedOut: true as const };
  }),

  me: protectedProcedure
    .output(userOutput)
    .query(({ ctx }) => ({ id: ctx.session.user.id, email: ctx.session.user.email })),
});
