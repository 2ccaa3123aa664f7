// Hand-written Hexagon assembly with one loop of each kind the cycle model reads; the expected packet
// counts are worked out by hand in ../analyze-toy.test.
	.text
	.globl	toy_kernel
	.p2align	4
	.type	toy_kernel,@function
toy_kernel:
	{
		r2 = #5
		r3 = #0
		allocframe(r29,#8):raw
	}
	{
		memw(r29+#0) = r3
		loop0(.LBB0_1,#10)
	}
	.p2align	4
.LBB0_1:
	{
		r4 = add(r4,#1)
	}
	{
		r5 = add(r5,#1)
	} :endloop0
	{
		r6 = asl(r2,#2)
	}
	{
		loop1(.LBB0_2,r6)
	}
.LBB0_2:
	{
		loop0(.LBB0_3,#3)
	}
.LBB0_3:
	{
		v0.qf32 = vmpy(v1.sf,v2.sf)
		v3 = vmem(r0+#0)
	} :endloop0
	{
		v4.qf32 = vadd(v0.qf32,v3.sf)
		vmem(r0+#1) = v4.new
	} :endloop1
.LBB0_4:
	{
		call malloc
	}
	{
		r1 = memw(r29+#0)
	}
	{
		r1 = add(r1,#1)
	}
	{
		memw(r29+#0) = r1
		p0 = cmp.gt(r1,#6)
	}
	{
		if (!p0) jump:t .LBB0_4
	}
	{
		r31:30 = dealloc_return(r30):raw
	}
.Lfunc_end0:
	.size	toy_kernel, .Lfunc_end0-toy_kernel
