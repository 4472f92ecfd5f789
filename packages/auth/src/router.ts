import { createTRPCRouter, protectedProcedure, publicProcedure } from '@subkit/trpc';
import { authSessionOutput, signInInput, signUpInput, userOutput } from './schemas';
import { signIn, signOut, signUp } from './service';

export const authRouter = createTRPCRouter({
  signUp: publicProcedure
    .input(signUpInput)
    .output(authSessionOutput)
    .mutation(({ ctx, input }) => signUp(ctx, input)),

  signIn: publicProcedure
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
